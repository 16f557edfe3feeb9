"""The streaming worker: a Faust app around the screening service."""
