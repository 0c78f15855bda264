#include "services/event_import.hpp"

namespace cis::services {

// Placeholder until the CSV reader (src/csv) lands.
ImportFile read_csv_import(std::string_view, std::string where, std::int64_t) {
    ImportFile f;
    f.where = std::move(where);
    f.error = "CSV import is not available yet";
    return f;
}

}  // namespace cis::services
