"""Social media networks plug in here through one small interface (``base.ChannelAdapter``)."""
