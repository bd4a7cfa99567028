// Province names by the first two digits of a Kemendagri region code (38 provinces, 2022 codes).
// Reference data, not methodology.
#include <string>
#include <string_view>
#include <utility>

#include "inovasi/submission.hpp"

namespace inovasi {

std::string province_of_code(const std::string& code) {
  static constexpr std::pair<std::string_view, std::string_view> table[] = {
      {"11", "Aceh"}, {"12", "Sumatera Utara"}, {"13", "Sumatera Barat"}, {"14", "Riau"},
      {"15", "Jambi"}, {"16", "Sumatera Selatan"}, {"17", "Bengkulu"}, {"18", "Lampung"},
      {"19", "Kepulauan Bangka Belitung"}, {"21", "Kepulauan Riau"}, {"31", "DKI Jakarta"},
      {"32", "Jawa Barat"}, {"33", "Jawa Tengah"}, {"34", "DI Yogyakarta"}, {"35", "Jawa Timur"},
      {"36", "Banten"}, {"51", "Bali"}, {"52", "Nusa Tenggara Barat"}, {"53", "Nusa Tenggara Timur"},
      {"61", "Kalimantan Barat"}, {"62", "Kalimantan Tengah"}, {"63", "Kalimantan Selatan"},
      {"64", "Kalimantan Timur"}, {"65", "Kalimantan Utara"}, {"71", "Sulawesi Utara"},
      {"72", "Sulawesi Tengah"}, {"73", "Sulawesi Selatan"}, {"74", "Sulawesi Tenggara"},
      {"75", "Gorontalo"}, {"76", "Sulawesi Barat"}, {"81", "Maluku"}, {"82", "Maluku Utara"},
      {"91", "Papua"}, {"92", "Papua Barat"}, {"93", "Papua Selatan"}, {"94", "Papua Tengah"},
      {"95", "Papua Pegunungan"}, {"96", "Papua Barat Daya"}};
  if (code.size() < 2) return {};
  std::string_view prefix(code.data(), 2);
  for (const auto& [k, v] : table)
    if (k == prefix) return std::string(v);
  return {};
}

}  // namespace inovasi
