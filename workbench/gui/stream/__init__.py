"""Controls of the stream: source picker and file transport, recording clips, detection tuning."""
