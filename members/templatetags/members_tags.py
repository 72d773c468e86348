from django import template

register = template.Library()

# Generational suffixes are not a family name: "Sam Ortiz Jr." is "SO".
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@register.filter
def initials(name: str) -> str:
    """What stands in for a missing photo: "AA" for "Alice Agent", "C" for "Cher".

    The first letter of the first and the last word, skipping punctuation ("(Bob)" is "B") and
    suffixes; a name with no letters at all shows its first character rather than nothing.
    """
    words = [word for word in (name or "").split() if word.strip(".,").lower() not in NAME_SUFFIXES]
    letters = [next((c for c in word if c.isalpha()), "") for word in words]
    letters = [letter for letter in letters if letter]
    if not letters:
        return (name or "").strip()[:1]
    if len(letters) == 1:
        return letters[0].upper()
    return (letters[0] + letters[-1]).upper()
