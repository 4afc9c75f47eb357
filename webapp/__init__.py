"""The clinic web app: demo page with the chat widget, widget assets, front-desk console."""
