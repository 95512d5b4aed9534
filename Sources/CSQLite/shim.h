#ifndef FARO_CSQLITE_SHIM_H
#define FARO_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
