# The fat image: the full Python image, with compilers, -dev headers, git and
# curl, to run one small script. A node that deploys it downloads all of that.
FROM python:3.13-trixie

WORKDIR /app
COPY app/hello.py .
ENTRYPOINT ["python", "hello.py"]
