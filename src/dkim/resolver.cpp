// DNS hooks for libopendkim. Its stock resolver keeps one res_state per DKIM_LIB, created
// lazily on the first query and then used by res_nquery from every thread without a lock
// (glibc keeps sockets in that state, so concurrent queries race). It also reports NXDOMAIN
// as a lookup failure rather than "no key". These hooks give each query its own res_state,
// hand back the whole answer (so NXDOMAIN reads as "key not found"), and refuse answers whose
// TXT records are malformed before libopendkim's parser sees them.
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <new>

#include "dkim/opendkim.hpp"

namespace cis::dkim::detail {
namespace {

struct Reply {
    std::size_t length = 0;
};

int read16(const unsigned char* p) {
    return (p[0] << 8) | p[1];
}

// True when the question and answer sections parse, each record's data lies inside the
// message, and each TXT record is a whole sequence of <length, bytes> strings.
bool answer_well_formed(const unsigned char* msg, int size) {
    if (size < HFIXEDSZ) return false;
    const unsigned char* end = msg + size;
    const unsigned char* p = msg + HFIXEDSZ;
    const int questions = read16(msg + 4);
    const int answers = read16(msg + 6);
    for (int i = 0; i < questions; ++i) {
        const int n = dn_skipname(p, end);
        if (n < 0 || end - p < n + 4) return false;
        p += n + 4;  // name, type, class
    }
    for (int i = 0; i < answers; ++i) {
        const int n = dn_skipname(p, end);
        if (n < 0 || end - p < n + 10) return false;
        p += n;
        const int type = read16(p);
        const int rdlength = read16(p + 8);
        p += 10;  // type, class, ttl, rdlength
        if (end - p < rdlength) return false;
        if (type == ns_t_txt) {
            int at = 0;
            while (at < rdlength) at += 1 + p[at];
            if (at != rdlength) return false;
        }
        p += rdlength;
    }
    return true;
}

int query_start(void*, int type, unsigned char* name, unsigned char* answer, std::size_t size,
                void** query) {
    struct __res_state state {};
    // On failure glibc has not touched the zeroed state; res_nclose on it would close fd 0.
    if (res_ninit(&state) != 0) return DKIM_DNS_ERROR;
    unsigned char request[NS_PACKETSZ];
    const int request_size =
        res_nmkquery(&state, ns_o_query, reinterpret_cast<char*>(name), ns_c_in, type, nullptr, 0,
                     nullptr, request, sizeof request);
    // res_nsend, unlike res_nquery, returns the answer whatever its rcode.
    const int answer_size =
        request_size < 0 ? -1
                         : res_nsend(&state, request, request_size, answer, static_cast<int>(size));
    res_nclose(&state);
    // glibc returns the full length of an answer that did not fit in the buffer.
    if (answer_size < 0 || static_cast<std::size_t>(answer_size) > size ||
        !answer_well_formed(answer, answer_size))
        return DKIM_DNS_ERROR;
    auto* reply = new (std::nothrow) Reply{static_cast<std::size_t>(answer_size)};
    if (!reply) return DKIM_DNS_ERROR;
    *query = reply;
    return DKIM_DNS_SUCCESS;
}

// The query already completed synchronously in query_start.
int query_wait(void*, void* query, struct timeval*, std::size_t* bytes, int* error, int* dnssec) {
    if (bytes) *bytes = static_cast<Reply*>(query)->length;
    if (error) *error = 0;
    if (dnssec) *dnssec = DKIM_DNSSEC_UNKNOWN;
    return DKIM_DNS_SUCCESS;
}

int query_cancel(void*, void* query) {
    delete static_cast<Reply*>(query);
    return 0;
}

// There is no shared resolver state; a non-null service handle stops libopendkim from
// lazily creating its own.
int service_init(void** service) {
    static int no_state;
    *service = &no_state;
    return 0;
}

void service_close(void*) {}

}  // namespace

void install_thread_safe_resolver(DKIM_LIB* lib) {
    dkim_dns_set_init(lib, service_init);
    dkim_dns_set_close(lib, service_close);
    dkim_dns_set_query_start(lib, query_start);
    dkim_dns_set_query_waitreply(lib, query_wait);
    dkim_dns_set_query_cancel(lib, query_cancel);
    dkim_dns_init(lib);  // now, single-threaded, so verify() never runs the lazy init
}

}  // namespace cis::dkim::detail
