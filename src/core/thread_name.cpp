#include "core/thread_name.hpp"

#include <pthread.h>

namespace cis {

void name_this_thread(const std::string& name) {
    // Best effort: a name that does not fit is cut, a failure changes nothing that matters.
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace cis
