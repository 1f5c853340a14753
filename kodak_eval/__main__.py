"""``python -m kodak_eval``: see ``kodak_eval.cli``."""

from kodak_eval.cli import main

if __name__ == "__main__":
    main()
