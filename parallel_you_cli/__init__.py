"""`parallel-you`: the terminal client. It talks only HTTP and the event stream to a server; it
imports nothing from the server's code, so it installs and runs on its own."""

__version__ = "0.1.0"
