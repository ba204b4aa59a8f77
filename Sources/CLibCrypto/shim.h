// OpenSSL's libcrypto (Debian's libssl-dev): its EVP AEAD interface and error queue.
#include <openssl/evp.h>
#include <openssl/err.h>
