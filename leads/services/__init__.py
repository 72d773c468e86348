"""Lead use cases, one module per family: intake (forms → leads, the three emails) and
inquiries (prospects expressing interest, members' 24-hour replies, the deadline sweep)."""
