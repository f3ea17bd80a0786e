"""Settings package: ``base`` holds what every environment shares; ``dev``, ``test`` and
``prod`` adjust it. Everything that differs between deployments is read from the environment.
"""
