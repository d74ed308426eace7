"""Make the key pair Web Push needs (VAPID). Run once per deployment and keep the private key
secret: anyone with it can send notifications to your residents' subscribed browsers."""

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand, CommandError


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate() -> tuple[str, str]:
    """(public key, private key), both base64url: the forms browsers and pywebpush take."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(public), b64url(private)


class Command(BaseCommand):
    help = "Generate VAPID keys for Web Push and print them as environment variables."

    def add_arguments(self, parser):
        parser.add_argument(
            "--env-file",
            help="Also append the variables to this file (created with owner-only access).",
        )

    def handle(self, *args, env_file=None, **options):
        public, private = generate()
        lines = [f"NOTIFY_VAPID_PUBLIC_KEY={public}", f"NOTIFY_VAPID_PRIVATE_KEY={private}"]
        if env_file:
            path = Path(env_file)
            if path.exists() and "NOTIFY_VAPID_PRIVATE_KEY=" in path.read_text():
                raise CommandError(
                    f"{path} already has VAPID keys. Replacing them stops every existing browser "
                    "subscription from working; remove them from the file first if you mean it."
                )
            with path.open("a") as handle:
                handle.write("\n".join(lines) + "\n")
            path.chmod(0o600)
            self.stderr.write(f"Appended the keys to {path}.")
        self.stdout.write("\n".join(lines))
        self.stderr.write(
            "Set both in the environment of the web and worker processes, and "
            "NOTIFY_VAPID_SUBJECT to a mailto: address people can reach you at."
        )
