"""The audit room: the auditor's questions and the hash chain proving the history intact."""
