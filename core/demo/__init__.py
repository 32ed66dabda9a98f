"""``storno demo``: the appliance's main job end to end on the embedded default."""
