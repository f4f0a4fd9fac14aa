// GMime 3 for the SMTP gateway's MIME reader (Sources/SMTPGateway/MIME/GMimeMessageParser.swift).
// GObject casts and type checks are macros Swift cannot call: thin inline functions stand in.
#include <gmime/gmime.h>

static inline int pw_gmime_is_multipart(GMimeObject *o) { return GMIME_IS_MULTIPART(o); }
static inline int pw_gmime_is_message_part(GMimeObject *o) { return GMIME_IS_MESSAGE_PART(o); }
static inline int pw_gmime_is_part(GMimeObject *o) { return GMIME_IS_PART(o); }
static inline int pw_gmime_is_text_part(GMimeObject *o) { return GMIME_IS_TEXT_PART(o); }
static inline GMimeMultipart *pw_gmime_as_multipart(GMimeObject *o) { return GMIME_MULTIPART(o); }
static inline GMimeMessagePart *pw_gmime_as_message_part(GMimeObject *o) { return GMIME_MESSAGE_PART(o); }
static inline GMimePart *pw_gmime_as_part(GMimeObject *o) { return GMIME_PART(o); }
static inline GMimeTextPart *pw_gmime_as_text_part(GMimeObject *o) { return GMIME_TEXT_PART(o); }
static inline GMimeObject *pw_gmime_message_object(GMimeMessage *m) { return GMIME_OBJECT(m); }
static inline void pw_g_object_unref(void *o) { if (o) g_object_unref(o); }

/// The first mailbox of From (groups skipped); its display name through `name`.
static inline const char *pw_gmime_from_mailbox(GMimeMessage *m, const char **name) {
    InternetAddressList *list = g_mime_message_get_from(m);
    *name = NULL;
    if (!list) return NULL;
    int n = internet_address_list_length(list);
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            *name = internet_address_get_name(ia);
            return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        }
    }
    return NULL;
}

/// A part's content with its transfer encoding undone, in a memory stream the caller unrefs;
/// the bytes stay valid until then. NULL when the part has no content.
static inline GMimeStream *pw_gmime_decoded_content(GMimePart *part, const unsigned char **bytes, size_t *length) {
    GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
    *bytes = NULL;
    *length = 0;
    if (!wrapper) return NULL;
    GMimeStream *mem = g_mime_stream_mem_new();
    if (g_mime_data_wrapper_write_to_stream(wrapper, mem) < 0) {
        g_object_unref(mem);
        return NULL;
    }
    GByteArray *array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    *bytes = array->data;
    *length = array->len;
    return mem;
}
