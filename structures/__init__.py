"""naspe subpackage."""
