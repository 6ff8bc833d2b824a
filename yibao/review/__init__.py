"""Trainer review of drafted lessons: store-side decisions, the HITL operator, the
apply step, the failure notifier and the data behind the control room."""
