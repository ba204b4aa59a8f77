// Berkeley DB 5.3 from Debian's libdb-dev. Debian ships no pkg-config file for it,
// so the modulemap links db-5.3 by name.
#include <db.h>
