# The whole project first, then its dependencies: every change to the code
# changes the COPY layer, so the install after it runs again and writes a new
# layer too, which every node must pull on every update.
FROM python:3.13-slim-trixie

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt

USER 65532:65532
ENTRYPOINT ["python", "report.py"]
