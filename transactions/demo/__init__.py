"""The demo's transactions (`stories`), seeded after the demo leads through `demo_seeded`."""
