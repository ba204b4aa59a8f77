// xxHash 0.8's XXH3 streaming API (Debian's libxxhash-dev).
#include <xxhash.h>
