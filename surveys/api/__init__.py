"""The HTTP API of contract §6: one thin view per operation, small serializers each way."""
