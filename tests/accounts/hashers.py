"""A real password hasher (MD5, as the test settings use) that counts its hashings, so a test can
tell whether a request did the work of hashing a password."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    algorithm = "counted_md5"
    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)
