"""SITIV Desktop: the syndicate's offline copy of projects, commitments and meetings."""

APP_ID = "fr.sitiv.Desktop"
APP_NAME = "SITIV Desktop"
__version__ = "0.1.0"
