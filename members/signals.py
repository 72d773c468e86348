from django.dispatch import Signal

# Sent by `seed_demo` inside its transaction, after members exist, so apps built on members
# add their own demo data. Arguments: partnerships (list of Partnership), stdout (for a summary).
demo_seeded = Signal()
