"""Spring networks: random spring networks (:mod:`.spring_network`) and the nine-node toy of seed 002 (:mod:`.nine_node_toy`)."""
