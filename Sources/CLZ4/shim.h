// liblz4's frame API (Debian's liblz4-dev).
#include <lz4frame.h>
