"""Local stand-ins for outside services (Cliniko), so no test reaches the internet."""
