// What GitHub accepts as an account login and as a repository name. Both end up in URL
// paths sent to API_URL, so anything else is refused before it is stored.
#pragma once

#include <QString>

namespace hookme {

// Letters, digits and single hyphens between them; 1 to 39 characters.
bool isValidGitHubLogin(QStringView login);

// Letters, digits, '.', '-' and '_'; 1 to 100 characters; not "." or "..".
bool isValidRepositoryName(QStringView name);

} // namespace hookme
