"""Writes: each service is one atomic operation named <entity>_<action>."""
