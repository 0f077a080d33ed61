"""Command line."""
def main():
    pass
