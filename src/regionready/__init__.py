"""regionready: is the target AWS Region ready for your security services?"""

__version__ = "0.1.0"
