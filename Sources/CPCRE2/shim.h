#ifndef FARO_CPCRE2_SHIM_H
#define FARO_CPCRE2_SHIM_H
// pcre2.h refuses to compile without a code unit width; Faro matches UTF-8 text.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
