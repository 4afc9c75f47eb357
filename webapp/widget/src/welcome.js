// The main paths, offered as buttons under the greeting of a new conversation. The same titles and
// payloads as the server's own welcome (utter_greet in domain.yml; tests/ui/test_widget_bundle.py
// checks they match), so a tap here is the same answer as a tap under the server's welcome.
export const WELCOME_BUTTONS = [
  { title: "Why my neck hurts my head", payload: "/ask_headache_causes" },
  { title: "Check my headache", payload: "/start_screening" },
  { title: "Book an appointment", payload: "/book_appointment" },
];
