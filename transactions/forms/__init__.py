"""The transactions app's forms: a transaction's pages (`transaction`) and its post-close
follow-up (`postclose`)."""
