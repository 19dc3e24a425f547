"""slimlab's checker: build each lab's Dockerfiles, measure the images, verify the claims.

Only :mod:`checks.docker` runs the Docker CLI; :mod:`checks.spec`,
:mod:`checks.claims` and :mod:`checks.results` are plain functions over data.
"""

#: The project's label on every image it builds and every container it runs.
MANAGED_LABEL = "org.slimlab.managed"
