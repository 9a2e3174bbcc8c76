"""Test and demo support: answers for AWS calls moto lacks or gets wrong."""
