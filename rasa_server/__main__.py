"""`python -m rasa_server run [options of rasa run]`: Rasa's command line, TensorFlow deferred."""

from rasa_server.lazy_tensorflow import defer_tensorflow
from tooling.third_party_warnings import quiet_third_party_warnings

defer_tensorflow()
quiet_third_party_warnings()  # before Rasa's imports raise them

from rasa.__main__ import main  # noqa: E402  (after the deferral, which must come first)

if __name__ == "__main__":
    main()
