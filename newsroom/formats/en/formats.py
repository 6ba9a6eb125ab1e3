"""How the newsroom writes dates and times, everywhere: "7 Dec 2026, 14:05",
on the 24-hour clock the desk schedules by (Django's English default, "Dec.
7, 2026, 2:05 p.m.", is not how a British desk writes the time). Times are
shown in settings.TIME_ZONE, the newsroom's clock. Only how dates are
written: what forms accept stays Django's."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
