#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, whose headers clash with the ICU copy inside
 * Foundation. Only encoding.h uses them, for a struct Brick never touches (it reads
 * UTF-8 only), so they are left out. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/* libxml2 writes some errors (an encoder's failure in xmlParseChunk) straight to the
 * calling thread's generic error channel, whose default is standard error. This
 * handler drops them; it is here because it is a C variadic function, which Swift
 * cannot define. */
static void brick_xml_drop_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/* Points the calling thread's generic error channel at the handler above. */
static inline void brick_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, brick_xml_drop_generic_error);
}
