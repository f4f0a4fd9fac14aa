#ifndef PAGEWIRE_CCURL_SHIM_H
#define PAGEWIRE_CCURL_SHIM_H
// No feature macros of our own: fd_set (sys/select.h, which curl.h includes) must be declared
// as in every other C module of the build (see CMagickWand/shim.h).
#include <sys/types.h>
#include <sys/select.h>
#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic: Swift calls these typed forms instead. */
typedef size_t (*pw_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode pw_curl_set_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode pw_curl_set_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode pw_curl_set_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode pw_curl_set_list(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode pw_curl_set_size(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode pw_curl_set_callback(CURL *curl, CURLoption option, pw_curl_data_callback value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode pw_curl_response_code(CURL *curl, long *code) {
    return curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, code);
}
#endif
