from __future__ import annotations

SOURCE = "me-central-1"
TARGET = "eu-central-1"
