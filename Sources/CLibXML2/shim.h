#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, whose headers clash with the ICU copy inside
 * Foundation. Only encoding.h uses them, for a struct Brick never touches (it reads
 * UTF-8 only), so they are left out. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
