#include "githubnames.h"

namespace hookme {

namespace {

bool isAsciiLetterOrDigit(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

} // namespace

bool isValidGitHubLogin(QStringView login)
{
    if (login.isEmpty() || login.size() > 39)
        return false;
    if (login.startsWith(u'-') || login.endsWith(u'-'))
        return false;

    QChar previous;
    for (QChar c : login) {
        if (c == u'-') {
            if (previous == u'-')
                return false;
        } else if (!isAsciiLetterOrDigit(c)) {
            return false;
        }
        previous = c;
    }
    return true;
}

bool isValidRepositoryName(QStringView name)
{
    if (name.isEmpty() || name.size() > 100)
        return false;
    if (name == u"." || name == u"..")
        return false;

    for (QChar c : name) {
        if (!isAsciiLetterOrDigit(c) && c != u'.' && c != u'-' && c != u'_')
            return false;
    }
    return true;
}

} // namespace hookme
