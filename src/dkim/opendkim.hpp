#pragma once
// Internal to cis_dkim: libopendkim's header made includable from C++, and RAII for its handles.
#include <memory>
#include <string>
#include <string_view>

// dkim.h spells C's _Bool, which C++ lacks. GCC's <stdbool.h> maps it to bool, clang's does
// not under -std=c++20, so do it here; _Bool and bool have the same ABI on our platforms.
#ifndef _Bool
#define _Bool bool
#define CIS_DKIM_UNDEF_BOOL
#endif
#include <opendkim/dkim.h>
#ifdef CIS_DKIM_UNDEF_BOOL
#undef _Bool
#undef CIS_DKIM_UNDEF_BOOL
#endif

namespace cis::dkim::detail {

struct LibClose {
    void operator()(DKIM_LIB* lib) const { dkim_close(lib); }
};
using Lib = std::unique_ptr<DKIM_LIB, LibClose>;

struct HandleFree {
    void operator()(DKIM* handle) const { dkim_free(handle); }
};
using Handle = std::unique_ptr<DKIM, HandleFree>;

// The message with every bare LF turned into CRLF; `storage` holds the copy when one is needed.
std::string_view to_crlf(std::string_view message, std::string& storage);

// Feeds a whole message to a signing or verifying handle and ends it (dkim_chunk + dkim_eom).
DKIM_STAT feed_message(DKIM* handle, std::string_view message);

// OpenDKIM's error text for the handle, or the text of `status` when it recorded none.
std::string error_text(DKIM* handle, DKIM_STAT status);

// Replaces libopendkim's DNS hooks with ones that are safe to use from several threads.
void install_thread_safe_resolver(DKIM_LIB* lib);

}  // namespace cis::dkim::detail
