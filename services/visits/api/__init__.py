"""REST resources of the visits service, one module per resource."""
