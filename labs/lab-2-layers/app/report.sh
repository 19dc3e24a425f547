#!/bin/sh
# The app every lab 2 image runs: it says what the image installed, so the
# smoke test shows that the smaller builds hold exactly the same files.
echo "hello from slimlab"
for file in /opt/sdk/lib.bin /srv/assets/data.bin; do
    if [ -f "$file" ]; then
        echo "$file: $(stat -c '%s bytes, owner %u' "$file"), sha256 $(sha256sum "$file" | cut -c1-16)"
    fi
done
