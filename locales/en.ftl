# English texts. Keys must match km.ftl (a test checks).

# commands (the lists each chat sees)
onboarding-cmd-start = Start
onboarding-cmd-menu = Main menu
onboarding-cmd-whoami = Who am I linked to
onboarding-cmd-language = Change language
onboarding-cmd-help = Help
onboarding-cmd-unlink = Unlink from a school or a child
onboarding-cmd-invite = Create an invite link

# errors
core-error-generic = Sorry, something went wrong. Please try again in a moment.
core-error-too-fast = You are tapping too fast. Please wait a moment.
core-error-unknown-command = I don't know that command. Tap /help to see what you can do.
core-error-not-understood = I didn't understand that. Tap /menu or /help.

# menus
core-menu-outdated = This button is out of date. Please use a fresh menu (/menu).
onboarding-menu-whoami = 👤 Who am I
onboarding-menu-language = 🌐 Language
onboarding-menu-code = 🔑 I have an invite code
onboarding-menu-help = ❓ Help
onboarding-home-title = Main menu. What would you like to do?
onboarding-home-welcome-back = Welcome back! What would you like to do?
onboarding-home-not-linked = Your account is not linked to a school yet. Tap /start to share your phone number, or use an invite code.

# language
onboarding-language-choose = សូមជ្រើសរើសភាសា / Choose your language:
onboarding-language-set = Language set to English

# onboarding
onboarding-greeting = Hello! 👋 This is the School Information System. You will get news about your child's attendance and messages from the school here.
    ភាសាខ្មែរ? ចុចប៊ូតុងខាងក្រោម។
onboarding-share-prompt = To link to your school, tap «📱 Share my phone number» below. We will look for this number on the school's lists.
onboarding-share-button = 📱 Share my phone number
onboarding-linked = ✅ You are linked!
onboarding-not-found = We could not find your phone number on any school's list.
    • Ask your child's homeroom teacher or the school office for an invite code, then tap the button below or open the link they give you.
    • Or ask the school to correct your number on its list, then tap /start again.
onboarding-not-own-contact = Please share your own phone number with the button below (not someone else's contact).
onboarding-bad-phone = That phone number is not valid. Please tap the button below again.
onboarding-not-cambodian = Only Cambodian phone numbers (+855) can be linked. If the school does not have your number, ask it for an invite code.

# who am I
onboarding-whoami-title = 👤 Your account:
onboarding-whoami-staff = 🏫 { $school } — { $roles }
onboarding-whoami-homeroom =     Homeroom teacher of: { $classes }
onboarding-whoami-parent = 👨‍👩‍👧 Guardian at { $school }:
onboarding-whoami-child =     • { $name } — class { $class }
onboarding-whoami-nobody = Your account is not linked to any school or student yet. Tap /start to link it.
core-role-principal = principal
core-role-operator = school operator
core-role-teacher = teacher
core-role-gatekeeper = gate keeper
core-role-parent = guardian
core-role-none = no role

# help
onboarding-help-intro = ℹ️ Help
onboarding-help-not-linked = You are not linked yet. Tap /start and share your phone number, or type the invite code the school gave you (/code).
onboarding-help-principal = Principal: /today for the day's attendance, /invite teacher or /invite operator to invite staff, /invite parent STUDENT-CODE to invite a guardian.
onboarding-help-operator = Operator: /today for every class, /attendance 7A to mark on a teacher's behalf, /substitute, /holiday, /invite teacher to invite a teacher, /invite parent STUDENT-CODE to invite a guardian.
onboarding-help-teacher = Teacher: /attendance to take the roll (or type: 7A absent 3 17 late 5), /invite parent STUDENT-CODE to invite a guardian of a student in your class.
onboarding-help-parent = Guardian: the school's news about your children comes here. /whoami shows the children you are linked to.
onboarding-help-common = /menu main menu · /whoami my account · /language language · /unlink unlink

# invites
onboarding-invite-ask-code = Please type or paste the invite code the school gave you (it starts with the letter i). Tap /cancel to stop.
onboarding-invite-ask-code-text = Please send the code as text.
onboarding-invite-ok-parent = ✅ You are now linked to your child. The school's news will come here.
onboarding-invite-ok-staff = ✅ You are now linked as school staff. Tap /menu to begin.
onboarding-invite-invalid = This invite code is not valid. Please check it, or ask the school for a new one.
onboarding-invite-expired = This invite code has expired. Please ask the school for a new one.
onboarding-invite-used = This invite code has already been used. Each code works once. Please ask the school for a new one.
onboarding-invite-revoked = The school has cancelled this invite code. Please ask for a new one.
onboarding-invite-try-again = Please try again, or tap /cancel.
onboarding-invite-give-up = Still not valid. Please contact the school for a new code.
onboarding-invite-usage = How to use: /invite teacher · /invite operator · /invite principal · /invite parent STUDENT-CODE
onboarding-invite-denied-forbidden = You may not create this invite.
onboarding-invite-denied-unknown-student = No student with that code at your school.
onboarding-invite-created = Invite for a { $role }:
    { $link }
    Code: { $code }
    Works once, until { $until }.

# unlinking
onboarding-unlink-choose = What do you want to unlink?
onboarding-unlink-staff = 🏫 Staff at { $school }
onboarding-unlink-parent = 👨‍👩‍👧 { $count } children at { $school }
onboarding-unlink-all = Unlink everything
onboarding-unlink-confirm = Are you sure? You will stop receiving the school's messages for this.
onboarding-unlink-done = ✅ Unlinked. Tap /start to link again at any time.
onboarding-unlink-nothing = Nothing to unlink (perhaps it already was).
onboarding-unlink-cancelled = Cancelled.
core-button-cancel = Cancel
core-button-yes-unlink = Yes, unlink


# roster errors
roster-err-unreadable-file = This file could not be read. Please send an Excel file (.xlsx) or a CSV file saved as UTF-8.
roster-err-empty-file = The file has no data rows. Fill in the rows under the header row and send it again.
roster-err-missing-column = The header row has no “{ $column }” column. Add it and send the file again.
roster-err-too-many-rows = The file has { $value } rows, but at most 50,000 rows can be imported at once. Please split it into smaller files.
roster-err-too-many-errors = Too many errors ({ $value } in total): only the first 200 are listed. Fix them and send the file again.
roster-err-required = Row { $row }: “{ $column }” is empty, but it must be filled in.
roster-err-bad-class = Row { $row }: class “{ $value }” is not valid. Write the grade (1–12) followed by the section letter, e.g. 7A or 12B.
roster-err-bad-shift = Row { $row }: shift “{ $value }” is not valid. Write morning or afternoon.
roster-err-bad-code = Row { $row }: code “{ $value }” is not valid. Use at most 40 Latin letters, digits or the signs - _ . /
roster-err-duplicate-code = Row { $row }: code { $value } is already used in this file. Each code must be different.
roster-err-bad-sex = Row { $row }: sex “{ $value }” is not valid. Write M or F.
roster-err-bad-date = Row { $row }: date “{ $value }” is not a real date between 1990 and today. Write it as YYYY-MM-DD (e.g. 2015-03-27) or DD/MM/YYYY (e.g. 27/03/2015).
roster-err-bad-phone = Row { $row }: “{ $value }” in column { $column } is not a phone number. Write it like 012 345 678.
roster-err-not-cambodian-phone = Row { $row }: “{ $value }” in column { $column } is not a Cambodian phone number. Only Cambodian numbers (+855) can be used.
roster-err-class-shift-conflict = Row { $row }: class { $value } already has a different shift. A class can only study in one shift.
roster-err-bad-role = Row { $row }: role “{ $value }” is not known. Use principal, operator or teacher.
roster-err-duplicate-phone = Row { $row }: phone number { $value } is already given to another staff member. Each staff member needs their own number.
roster-err-unknown-class = Row { $row }: there is no class { $value } at this school. Import the student list first, or correct the class name.
roster-err-duplicate-homeroom = Row { $row }: class { $value } already has another homeroom teacher in this file.
onboarding-linked-later = ✅ { $school } has added your phone number. Your account is now linked. Tap /whoami to see it.

# attendance
attendance-cmd = Take attendance
attendance-cmd-today = Today's attendance (all classes)
attendance-cmd-substitute = Give a class to a substitute
attendance-cmd-holiday = Holidays
attendance-menu = 📋 Attendance
attendance-menu-today = 🏫 Today
core-shift-morning = morning
core-shift-afternoon = afternoon
core-list-and = { ", " }
attendance-sheet-title = 📋 Class { $class } · { $shift } shift · { $date }
attendance-sheet-counts = ✅ { $present }  ❌ { $absent }  ⏰ { $late }  📝 { $excused }  (total { $total })
    girls: ✅ { $presentF }  ❌ { $absentF }  ⏰ { $lateF }  📝 { $excusedF }  (total { $totalF })
attendance-sheet-submitted = ✔️ Submitted at { $time }. Tap a name to change it, then submit again.
attendance-sheet-correcting = ✏️ Correcting — tap «Submit» to save the changes.
attendance-sheet-hint = Tap a name: ✅ present → ❌ absent → ⏰ late → 📝 excused.
attendance-sheet-all-present = ✅ All present
attendance-sheet-submit = 📤 Submit
attendance-sheet-confirm = Submit attendance for class { $class }?
    ✅ { $present }  ❌ { $absent }  ⏰ { $late }  📝 { $excused }
    Absent: { $names }
    Families of absent children are told at once.
attendance-sheet-confirm-yes = 📤 Yes, submit
attendance-sheet-back = ↩️ Back
attendance-sheet-done-short = Submitted
attendance-sheet-done = ✅ Class { $class } submitted at { $time }. Families told: { $alerts }.
attendance-sheet-corrected = ✅ Class { $class } corrected at { $time }. New alerts: { $alerts }, corrections: { $corrections }.
attendance-sheet-correct = ✏️ Correct
attendance-reason-sick = sick
attendance-reason-family = family
attendance-reason-other = other
attendance-reason-ask-note = Please type the reason in a few words:
attendance-answer-sick = family says: sick
attendance-answer-late = family says: coming late
attendance-answer-unaware = family says: did not know
attendance-denied-forbidden = You cannot take attendance for this class.
attendance-denied-not-found = This class does not exist.
attendance-denied-day-closed = That day is closed. Only the school office can correct it (within 7 days).
attendance-denied-holiday = That day is a school holiday. No attendance is taken.
attendance-denied-future = Attendance cannot be taken for a day that has not come yet.
attendance-stale-day = This list is for { $date }. Please open a new one with /attendance.
attendance-list-changed = The class list has changed. Here is the new list.
attendance-usage = How to use: /attendance, /attendance 7A or /attendance 7A 2026-11-20
attendance-no-classes = You have no class to take attendance for today.
attendance-choose-class = Choose a class ({ $date }):
attendance-reminder = ⏰ Reminder: attendance for class { $class }, { $shift } shift, { $date } has not been submitted yet.
attendance-open = 📋 Take attendance now
attendance-quick-twice = Number { $token } appears twice. Please write it again.
attendance-quick-bad-token = I don't understand “{ $token }”. Example: 7A absent 3 17 22 late 5
attendance-quick-out-of-range = Class { $class } has { $max } students. There is no number { $numbers }.
attendance-quick-confirm = Everyone else is marked present. Submit?
attendance-quick-open-list = 📋 Open the list
attendance-today-title = 🏫 Attendance on { $date }
attendance-today-class-done = ✔️ { $class } ({ $shift }) { $time } · { $by } — ✅ { $present } ❌ { $absent } ⏰ { $late } 📝 { $excused } · answers { $answers }
attendance-today-by-office = office
attendance-today-class-missing = … { $class } ({ $shift }) not submitted · { $teacher } { $linked }
attendance-today-not-linked = (not on Telegram yet)
attendance-today-totals = Total: { $submitted }/{ $classes } classes submitted · ✅ { $present } ❌ { $absent } ⏰ { $late } 📝 { $excused } ({ $students } students)
attendance-today-remind = 🔔 Remind classes not submitted ({ $count })
attendance-today-reminded = Reminders sent: { $count }.
attendance-substitute-usage = How to use: /substitute 7A TEACHER-CODE [2026-11-24]
attendance-substitute-done = ✅ Class { $class } is given to { $name } for { $date }.
attendance-substitute-forbidden = Only the school office or the principal can give a class to a substitute.
attendance-substitute-unknown-class = No such class at your school.
attendance-substitute-unknown-staff = No teacher with that code.
attendance-holiday-list = 📅 Coming holidays:
attendance-holiday-none = No holidays in the next 60 days. Add one: /holiday 2026-12-10 reason
attendance-holiday-usage = How to use: /holiday 2026-12-10 reason · /holiday remove 2026-12-10 · /holiday (list)
attendance-holiday-set = ✅ { $date } is a holiday. No attendance and no alerts that day.
attendance-holiday-removed = ✅ { $date } is a normal school day again.
attendance-alert-absent-one = ⚠️ { $names } (class { $class }) is not at school today, { $date }, { $shift } shift.
    Please answer the school:
attendance-alert-absent-many = ⚠️ Your children are not at school today, { $date }, { $shift } shift: { $names }.
    Please answer the school:
attendance-alert-answer-sick = 🤒 I know — sick
attendance-alert-answer-late = 🕒 Coming late
attendance-alert-answer-unaware = ❓ I did not know
attendance-alert-correction-late = ✅ Correction: { $name } (class { $class }) arrived at school at { $time } on { $date } (late).
attendance-alert-correction-present = ✅ Correction: { $name } (class { $class }) is at school on { $date }.
attendance-alert-correction-excused = ✅ Correction: { $name }'s absence (class { $class }) on { $date } is excused.
attendance-alert-not-yours = This message is not for you.
attendance-alert-answer-recorded = Answer received. Thank you!
attendance-alert-answered = ✔️ Your answer: { $answer }
attendance-today-unreachable = 📵 Families who blocked the bot and cannot get alerts: { $list }
attendance-quick-confirm-correction = A correction: only the students you named change. Submit?

# reports
reports-cmd = Attendance reports
reports-cmd-student = One student's attendance
reports-menu = 📊 Reports
reports-choose = Which report?
reports-btn-today = Today
reports-btn-yesterday = Yesterday
reports-btn-week = This week
reports-btn-month = This month
reports-btn-lastmonth = Last month
reports-usage = How to use: /report today · /report yesterday · /report week · /report month 2026-10 · /report 7A month
reports-future = A report cannot cover a period that has not come yet.
reports-denied-class = You cannot see this report.
reports-preparing = ⏳ Preparing the report ({ $period }). The picture and the Excel file will follow shortly.
reports-children-title = 📊 Your children's attendance from { $from } to { $to }:
reports-child-line = • { $name } (class { $class }): present { $present } of { $days } days · late { $late } · absent { $absent } · excused { $excused }
reports-student-usage = How to use: /student STUDENT-CODE [2026-10]
reports-student-denied = No such student in your classes or school.
reports-summary-title = 📊 { $school } — { $period }
reports-summary-rate = Attendance { $rate } (girls { $rateF }) · school days { $days }
reports-summary-counts = ✅ { $present }  ⏰ { $late }  📝 { $excused }  ❌ { $absent }
reports-summary-flags = Chronic absentees { $chronic } · classes that did not submit { $missing }

# report rendering (chart and workbook: src/reports/render.ts, workbook.ts)
reports-title-daily = Attendance on { $date }
reports-title-monthly = Attendance in { $month }
reports-title-range = Attendance from { $from } to { $to }
reports-totals-daily = Attendance { $rate } · girls { $girls } · { $submitted }/{ $classes } classes submitted
reports-totals-period = Attendance { $rate } · girls { $girls } · { $submitted }/{ $expected } attendance lists submitted
reports-present = Present
reports-late = Late
reports-excused = Excused
reports-absent = Absent
reports-not-submitted = Not submitted
reports-percent = { $value }%
reports-shift-heading = { $shift } shift
reports-total = Total
reports-days-fraction = { $submitted }/{ $days } days
reports-no-classes = No classes in this report.
reports-sheet-summary = Summary
reports-sheet-students = Students
reports-sheet-days = Days
reports-sheet-missing = Not submitted
reports-col-class = Class
reports-col-shift = Shift
reports-col-students = Students
reports-col-girls = Girls
reports-col-school-days = School days
reports-col-days-submitted = Days submitted
reports-col-marks = Total marks
reports-col-girls-of = { $column }, girls
reports-col-rate = Attendance rate
reports-col-girls-rate = Girls' attendance rate
reports-col-code = Student code
reports-col-name-km = Name (Khmer)
reports-col-name-en = Name (Latin letters)
reports-col-sex = Sex
reports-sex-m = M
reports-sex-f = F
reports-col-days-marked = Days marked
reports-col-longest-absence = Longest absence (school days in a row)
reports-col-chronic = Chronic absence
reports-yes = yes
reports-no = no
reports-col-date = Date
reports-col-teacher = Teacher
reports-teacher-none = (no teacher)

# province roll-up
core-role-director = education office
onboarding-help-director = Education office: /report today or yesterday — use of the system and attendance across your schools, and the schools to call.
onboarding-whoami-office-province = 🏛 Provincial education office: { $province }
onboarding-whoami-office-national = 🏛 Ministry of Education (national)
reports-rollup-national = Whole country
reports-rollup-daily-only = The roll-up across schools is daily: /report today or /report yesterday
reports-rollup-sheet = Schools
reports-rollup-col-code = Code
reports-rollup-col-name = School
reports-rollup-col-classes = Classes
reports-rollup-col-submitted = Submitted
reports-rollup-col-submitted-share = Share submitted
reports-rollup-col-students = Students
reports-rollup-col-guardians = Guardians
reports-rollup-col-linked-share = Share on Telegram
reports-rollup-col-present = Present
reports-rollup-col-late = Late
reports-rollup-col-excused = Excused
reports-rollup-col-absent = Absent
reports-rollup-col-rate = Attendance
reports-rollup-col-girls-rate = Girls' attendance
reports-rollup-col-call = Needs a call
reports-rollup-reason-none-submitted = no class submitted
reports-rollup-reason-few-submitted = fewer than half the classes submitted
reports-rollup-reason-low-attendance = attendance below 85%
reports-rollup-reason-few-families = fewer than 30% of families linked
reports-rollup-title = 🏛 { $area } — { $date }
reports-rollup-adoption = Schools using the system today { $using }/{ $schools } · classes submitted { $classes } · families linked { $families }
reports-rollup-rate = Attendance { $rate }
reports-rollup-calls = Schools to call ({ $count }): { $list }
reports-rollup-no-calls = No school needs a call.
reports-rollup-chart-capped = The picture shows the { $shown } schools most in need of attention out of { $schools }; the Excel file lists them all.

## qr scanning
onboarding-help-gatekeeper = Gate keeper: scan each student's card with the phone camera (the link opens this bot), send a photo of the card, or tap /scan to keep scanning card after card in the scanner.
qr-menu-scan = 📷 Scan cards
qr-cmd-scan = Scan student cards
qr-cmd-notices = Arrival notices on or off
qr-scan-notice-arrived = ✅ { $name } arrived at school at { $time }.
qr-scan-notice-late = ⏰ { $name } arrived at school late, at { $time }.
qr-scan-notices-off-button = 🔕 Stop arrival notices
qr-scan-notices-on-button = 🔔 Send arrival notices again
qr-scan-notices-off-done = 🔕 Arrival notices are off. You will still be told at once if your child is absent. /notices turns them back on.
qr-scan-notices-on-done = 🔔 Arrival notices are on: you will be told when your child's card is scanned at the gate.
qr-scan-notices-status-on = 🔔 Arrival notices are ON: you are told when your child's card is scanned at the gate. Absence alerts always come.
qr-scan-notices-status-off = 🔕 Arrival notices are OFF. Absence alerts still come.
qr-scan-notices-parents-only = Arrival notices are for guardians of students.
qr-scan-arrived = ✅ { $name } · class { $class } — arrived { $time }
qr-scan-arrived-late = ⏰ { $name } · class { $class } — arrived LATE { $time }
qr-scan-families-told = 👪 Family told: { $count }
qr-scan-departed = 👋 { $name } · class { $class } — left { $time } (arrived { $arrived })
qr-scan-repeat = ↩️ { $name } was already scanned (arrived { $arrived }). Nothing changed.
qr-scan-repeat-left = ↩️ { $name } was already scanned: arrived { $arrived }, left { $left }. Nothing changed.
qr-scan-denied-malformed = ❌ That is not a student card code. Scan the QR on the card again.
qr-scan-denied-forged = ❌ This card is not valid: its code was not made by this school system. Keep the card and tell the office.
qr-scan-denied-revoked = ❌ This card was replaced by a new one and no longer works. Keep it and tell the office.
qr-scan-denied-unknown = ❌ No current student has this card.
qr-scan-denied-other-school = ❌ This card belongs to a student of another school. Nothing was recorded.
qr-scan-denied-not-scanner = ℹ️ This is a student card. Only the school's gate keeper, operator or teachers can record scans with it.
qr-scan-photo-none = 🔍 No QR code found in the photo. Hold the card flat, fill the picture with it and try again.
qr-scan-photo-many = 🔍 The photo shows { $count } codes. Send one card per photo.
qr-scan-photo-bad = ❌ That picture could not be read. Send a photo of one card.
qr-scan-photo-too-big = ❌ That picture is too large. Send it as a photo, not as a file.
qr-scan-howto = 📷 Three ways to record arrivals:
    1. Point the phone camera at a card: the link opens this bot and the arrival is recorded.
    2. Send a photo of a card here.
    3. Tap the button below to open the gate scanner and scan card after card.
qr-scan-howto-no-app = 📷 Two ways to record arrivals:
    1. Point the phone camera at a card: the link opens this bot and the arrival is recorded.
    2. Send a photo of a card here.
qr-scan-open-app = 📷 Open the gate scanner
qr-scan-menu-button = Scanner
qr-scan-app-title = Gate scanner
qr-scan-app-start = 📷 Scan cards
qr-scan-app-hint = Point at a student card
qr-scan-app-empty = No scans yet. Tap the button and point the camera at a card.
qr-scan-app-denied = ❌ This scanner is only for school staff who record arrivals.
qr-scan-app-failed = ⚠️ Could not record: check the connection and scan again.
qr-cutoff-teacher = 📋 Class { $class }, { $shift } { $date }: { $count } students were not scanned at the gate by { $time } and are proposed ABSENT:
    { $names }
    Tap ✅ to confirm and tell their families, or open the list to change it.
qr-cutoff-teacher-sent = 📋 Class { $class }, { $shift } { $date }: { $count } students were not scanned by { $time }. They are marked absent and their families are being told:
    { $names }
    Open the list to correct it if a child is here.
qr-cutoff-confirm = ✅ Confirm — tell families
qr-cutoff-open = 📋 Open the list
qr-cutoff-office-no-scans = ⚠️ No cards were scanned this { $shift } ({ $date }) at { $school }, so no absent list was proposed. Was the gate scanner used today?
attendance-today-by-scan = gate scans
qr-cmd-scanning = Gate scanning settings
qr-scanning-on = 📷 Gate scanning is ON for your school.
qr-scanning-off = 📷 Gate scanning is OFF: scans are recorded, but there is no cutoff and no automatic absent list.
qr-scanning-shift = { $shift }: late after { $late } · cutoff { $cutoff }
qr-scanning-mode-confirm = At cutoff the homeroom teacher confirms the absent list in one tap, then families are told.
qr-scanning-mode-immediate = At cutoff families of unscanned children are told at once; teachers can correct.
qr-scanning-cooldown = A second scan within { $minutes } minutes is ignored.
qr-scanning-howto = Change times by typing, e.g. /scanning late morning 07:15 · /scanning cutoff afternoon 14:00 · /scanning cooldown 5
qr-scanning-turn-on = ▶️ Turn scanning on
qr-scanning-turn-off = ⏸ Turn scanning off
qr-scanning-use-confirm = 👩‍🏫 Teacher confirms first
qr-scanning-use-immediate = ⚡ Tell families at cutoff
qr-scanning-usage = Type for example: /scanning late morning 07:15 · /scanning cutoff afternoon 14:00 · /scanning cooldown 5 (minutes)
qr-scanning-office-only = Only the principal or the school operator can change scanning settings.
qr-scanning-error-no-school = Your school was not found.
qr-scanning-error-bad-time = { $time } is not a time. Write it as HH:MM, e.g. 07:15.
qr-scanning-error-bad-cooldown = The cooldown must be between 1 and 240 minutes.
qr-scanning-error-cutoff-before-late = The cutoff ({ $cutoff }) must come after the late time ({ $late }). Nothing was changed.

## qr cards
qr-card-title = Student card
qr-card-class = Class
qr-card-code = Student ID
qr-cmd-cards = Print a class's student cards
qr-cmd-card = One student's card, or a new card for a lost one
qr-menu-cards = 🪪 Student cards
qr-choose-class = Print student cards for which class?
qr-btn-all-classes = All classes
qr-no-classes = You have no class to print student cards for. Cards are printed by the principal, the school's operator or the homeroom teacher.
qr-class-denied = You cannot print cards for class { $class } (no such class, or not yours).
qr-denied = You are not allowed to do this. Nothing changed.
qr-preparing-class = 🪪 Preparing the student cards of class { $class } (a PDF to print on A4). It will arrive shortly.
qr-preparing-all = 🪪 Preparing student cards for { $count } classes: one PDF per class, arriving one after another.
qr-sheet-title = { $school } · Class { $class }
qr-sheet-caption = 🪪 Student cards of class { $class }: { $count } students. Print on A4 at actual size (100%) and cut along the dashed lines.
qr-sheet-empty = Class { $class } has no students: no cards to print.
qr-card-usage = Type /card and the student code (e.g. /card S00123) for a student's card, or /card S00123 new to issue a new card for a lost one.
qr-student-not-found = No student with code { $code } at your school.
qr-student-denied = This student is not in your class.
qr-reissue-office-only = Only the principal or the school's operator can issue a new card. Please tell the school office.
qr-card-gone = This student is not on a class list of this school year, so no card can be made.
qr-card-preparing = 🪪 Preparing the card of { $name } (class { $class })…
qr-card-caption = 🪪 { $name } · class { $class } · { $code }
qr-card-caption-new = 🪪 New card for { $name } (class { $class }, { $code }). The old card no longer works.
qr-reissue-confirm = Issue a new card for { $name } (class { $class }, { $code })?
    The old card stops working at once.
qr-btn-reissue = Yes, issue a new card
qr-btn-cancel = Cancel
qr-reissued = ✅ New card issued for { $code } (card no. { $version }). The old card no longer works. The new card is on its way…
qr-reissue-stale = This card was already replaced. Nothing changed.
qr-cancelled = Cancelled. Nothing changed.

## questions
questions-cmd-ask = Ask your child's teacher a question
questions-cmd-questions = Questions and answers
questions-cmd-quiet = Quiet hours for parents' questions
questions-cmd-teaches = Who teaches which class
questions-help-parent = /ask — write to your child's homeroom or subject teacher (text, voice message or photo); /questions — your questions and the answers.
questions-help-teacher = /questions — parents' questions waiting for your answer; tap «↩️ Reply» under a question to answer by text or voice. /quiet 20:00 06:30 — questions wait until morning unless urgent.
questions-help-principal = /questions — open questions across the school, how long they have waited, and each teacher's response times; /questions within 24 — hours before an unanswered question comes to you; /teaches 7A — the teachers parents of a class may write to.
questions-help-operator = /teaches 7A STAFF-CODE Mathematics — record a subject teacher of a class (parents may then write to them); /teaches 7A lists them; /teaches remove 7A STAFF-CODE.
questions-menu-ask = ❓ Ask a teacher
questions-menu-questions = 💬 Questions
questions-dur-minutes = { $m } min
questions-dur-hours = { $h } h { $m } min
questions-dur-days = { $d } days { $h } h
questions-copy-question = ❓ A question from the guardian of { $child }, class { $class }
questions-copy-followup = ❓ The guardian of { $child }, class { $class }, writes again
questions-copy-urgent = 🔴 Urgent
questions-copy-from = From: { $name }
questions-copy-answer = 💬 Answer from { $teacher } about { $child }
questions-button-reply = ↩️ Reply
questions-button-history = 🗂 History
questions-button-write-back = ↩️ Write back
questions-button-open = 🗂 Open the question
questions-history-title = 🗂 { $child }, class { $class } — { $teacher }
questions-history-open = Waiting for the teacher's answer.
questions-history-answered = Answered.
questions-history-parent = 👪 Guardian
questions-history-staff = 👩‍🏫 Teacher
questions-history-voice = voice message { $n }
questions-history-photo = photo { $n }
questions-history-earlier = … { $count } earlier messages are not shown.
questions-escalation = ⏰ A parent's question has waited { $waited } without an answer.
    Child: { $child }, class { $class }
    Asked: { $teacher }, since { $since }
questions-bad-empty = The message is empty. Please write your question, or send a voice message or a photo.
questions-bad-too-long = The message is too long: at most { $max } characters. Please shorten it or send it in parts.
questions-bad-caption-too-long = The text under the photo or voice message is too long: at most { $max } characters.
questions-bad-too-big = The file is too large: at most { $max } MB.
questions-bad-voice-too-long = The voice message is too long: at most { $max } minutes.
questions-bad-unsupported = This kind of message cannot be passed on. Please send text, a voice message or a photo.
questions-bad-no-photo = Please answer with text or a voice message.
questions-rate-hour = You have sent { $limit } questions in the last hour. Please wait a while before sending more.
questions-rate-day = You have sent { $limit } questions today. Please wait until tomorrow, or contact the school office if it is urgent.
questions-denied-not-your-child = You can only ask about your own children.
questions-denied-not-their-teacher = This teacher does not teach your child. Please choose again with /ask.
questions-denied-not-your-thread = This conversation is not yours.
questions-denied-not-addressed = This question is not addressed to you.
questions-denied-not-found = This question no longer exists.
questions-denied-not-allowed = You may not read this conversation.
questions-denied-not-a-parent = Only guardians linked to a child can ask questions here.
questions-denied-no-role = Questions are for guardians, teachers and principals linked to a school.
questions-denied-office-only = Only the principal or the school office can do this.
questions-denied-staff-only = Quiet hours are for school staff.
questions-denied-principal-only = Only the principal can change this.
questions-parent-gone = This guardian is no longer linked to the child, so the answer was not sent.
questions-urgent-off = ⚪ Not urgent
questions-urgent-on = 🔴 Urgent
questions-urgent-set = Marked urgent: it will reach the teacher at once, even in their quiet hours.
questions-urgent-unset = No longer urgent.
questions-cancel = Cancel
questions-cancelled = Cancelled. Nothing was sent.
questions-compose-prompt = ✍️ Write your question to { $teacher } about { $child }: a text, a voice message or a photo.
    Tap «Urgent» first if it cannot wait.
questions-sent = ✅ Sent to { $teacher }. You will get the answer here.
questions-sent-later = ✅ Saved. { $teacher } does not take questions at this hour: it reaches them at { $time }. Mark a question urgent if it cannot wait.
questions-answer-prompt = ✍️ Write your answer about { $child } (class { $class }): a text or a voice message. Only this guardian will receive it.
questions-answer-sent = ✅ Your answer about { $child } was sent to the guardian.
questions-no-teachers = No teacher of { $child } uses this bot yet. Please contact the school office.
questions-no-children = None of your linked children is enrolled at the moment. Please contact the school.
questions-homeroom = homeroom teacher
questions-subject-teacher = subject teacher
questions-choose-teacher = Who would you like to write to about { $child }?
questions-choose-child = Which child is your question about?
questions-list-waiting = waiting { $waited }
questions-list-open = waiting
questions-list-answered = answered
questions-school-title = 💬 Open questions: { $open } (past { $hours } h: { $overdue })
questions-school-teachers = Teachers (answers in the last 30 days):
questions-school-teacher = • { $teacher }: open { $open }, overdue { $overdue } · answered { $answered } · average { $average } · median { $median }
questions-mine-none = No parent's question is waiting for you.
questions-mine-title = 💬 Questions waiting for your answer: { $count }
questions-parent-none = You have not asked any question yet. Tap /ask to write to a teacher.
questions-parent-title = 💬 Your questions:
questions-within-usage = How to use: /questions within HOURS (1–168), e.g. /questions within 24
questions-within-set = ✅ A question not answered within { $hours } hours of reaching the teacher will come to the principal.
questions-quiet-current = 🌙 Your quiet hours: { $from }–{ $to }. Parents' questions that are not urgent wait until { $to }. /quiet off removes them.
questions-quiet-none = You have no quiet hours: questions reach you at once. To set them: /quiet 20:00 06:30
questions-quiet-off = ✅ Quiet hours removed: questions reach you at once.
questions-quiet-usage = How to use: /quiet 20:00 06:30 (from, until, school time) · /quiet off · /quiet
questions-quiet-set = ✅ Quiet hours { $from }–{ $to }: questions that are not urgent wait until { $to }.
questions-teaches-unknown-class = There is no such class at your school this year.
questions-teaches-unknown-staff = No active staff member with that code at your school.
questions-teaches-removed = ✅ Removed from class { $class }.
questions-teaches-not-there = This person was not recorded as a teacher of class { $class }.
questions-teaches-list = Teachers of class { $class }:
questions-teaches-not-linked = not on Telegram yet
questions-teaches-empty = No teacher recorded yet.
questions-teaches-added = ✅ { $name } teaches class { $class }: its parents can now write to them.
questions-teaches-usage = How to use: /teaches 7A STAFF-CODE [subject] · /teaches 7A · /teaches remove 7A STAFF-CODE

## announcements
announcements-cmd = Send an announcement
announcements-menu = 📢 Announcement
announcements-help = 📢 /announce — send a text, photo, voice message, video or document to the whole school, some grades or classes, staff only or parents only (teachers: to their own classes). Nothing goes out before you confirm the preview, and you get a delivery report. A class's Telegram group: add the bot to the group and send /linkgroup 7A there (the bot's greeting in the group shows the exact command); that class's announcements can then go to the group as one message.
announcements-header = 📢 Announcement · { $school } — { $author }
announcements-header-urgent = 🚨 URGENT · { $school } — { $author }
announcements-denied-forbidden = Only principals, operators and teachers can send announcements.
announcements-denied-no-classes = You have no class of your own yet. Teachers announce only to the classes they are homeroom teacher of.
announcements-denied-class = That is not one of your classes. Nothing was changed.
announcements-button-quit = ✖️ Stop
announcements-flow-stopped = Stopped. Nothing was sent.
announcements-use-buttons = Please use the buttons above.
announcements-button-done = ✔️ Done
announcements-pick-one = Choose at least one.
announcements-unknown-choice = Not found: { $names }. Choose with the buttons or type the names again.
announcements-ask-content = 📢 Send the announcement here: a text, a photo with a caption, a voice message, a video or a document.
announcements-ask-content-short = Send the announcement as a message.
announcements-bad-unsupported = This kind of message cannot be announced (stickers, GIFs, music, round videos…). Send a text, photo, voice message, video or document.
announcements-bad-empty = The message is empty. Please write something.
announcements-bad-too-big = The file is too big: photos at most 10 MB, voice messages, videos and documents at most 50 MB.
announcements-bad-text-too-long = The text is too long: { $length } characters, at most { $limit }. Shorten it or split it in two.
announcements-bad-caption-too-long = The caption is too long: { $length } characters, at most { $limit }. Shorten it, or send the text as its own announcement.
announcements-bad-audience = You may not send to these recipients. Nothing was sent.
announcements-bad-no-recipients = Nobody would receive it: no one in this audience has linked Telegram yet. Nothing was sent.
announcements-bad-bad-time = That time is not valid. Nothing was sent.
announcements-ask-audience = Who should receive it?
announcements-aud-school = 🏫 The whole school (parents and staff)
announcements-aud-staff = 👩‍🏫 Staff only
announcements-aud-parents = 👪 All parents
announcements-aud-grades = Parents of grades { $grades }
announcements-aud-classes = Parents of classes { $classes }
announcements-button-grades = 🔢 By grade
announcements-button-classes = 🏷 By class
announcements-ask-grades = Choose the grades, then press Done.
announcements-ask-classes = Choose the classes (or type their names, e.g. 7A 7B), then press Done.
announcements-ask-classes-typed = Type the class names separated by spaces, e.g. 7A 7B 12A.
announcements-ask-groups = Classes { $classes } have a Telegram group. Send to the groups (one message per group) or to each parent?
announcements-button-groups = 👥 To the class groups
announcements-button-each-parent = 👤 To each parent
announcements-ask-when = When should it go?
announcements-button-now = ⚡ Now
announcements-button-later = 🕒 Later
announcements-ask-time = Type the time: 16:30 (today), tomorrow 7:00, or 2026-11-30 07:00.
announcements-ask-time-short = Type the time.
announcements-time-bad = I could not read that time. Examples: 16:30, tomorrow 7:00, 2026-11-30 07:00.
announcements-time-past = That time has passed. Choose a time ahead.
announcements-time-too-far = Too far ahead: at most 60 days.
announcements-preview-title = 📢 Preview: above is the announcement as recipients will see it.
announcements-preview-to = To: { $audience }
announcements-preview-count = Recipients: { $count }
announcements-preview-count-groups = Recipients: { $count } ({ $groups } class groups, { $people } people)
announcements-preview-when = When: { $when }
announcements-when-now = as soon as you confirm
announcements-preview-urgent = 🚨 Urgent: goes before other messages, with sound.
announcements-preview-silent = 🔕 Outside school hours: it arrives without a sound.
announcements-preview-confirm = Nothing is sent until you press Send.
announcements-button-send = ✅ Send
announcements-button-urgent = 🚨 Mark urgent
announcements-button-not-urgent = ↩️ Not urgent
announcements-button-discard = 🗑 Discard
announcements-button-cancel = ✖️ Cancel sending
announcements-sent-short = Accepted
announcements-sending = ✅ Sending to { $count } recipients. You will get a report when it is done.
announcements-scheduled = 🕒 Scheduled for { $when }, to { $count } recipients. You can cancel it until then.
announcements-discarded = Draft discarded. Nothing was sent.
announcements-not-yours = This announcement is not yours.
announcements-not-draft = This announcement was already sent or discarded.
announcements-refused-expired = This preview is too old (over 24 hours). Start again with /announce.
announcements-refused-time-passed = The time you chose has passed. Start again with /announce.
announcements-refused-audience = You may no longer send to these recipients. Nothing was sent.
announcements-refused-no-recipients = { announcements-bad-no-recipients }
announcements-cancel-too-late = Too late: everything has already gone out.
announcements-cancelled = ✖️ Cancelled. { $count } messages were not sent.
announcements-cancelled-partly = ✖️ Cancelled: { $cancelled } messages were not sent; { $gone } had already gone out (you will get a report).
announcements-group-only-in-group = Send this inside the class's Telegram group: add @{ $bot } to the group and send /linkgroup@{ $bot } 7A there.
announcements-group-as-yourself = Please send this command as yourself, not as an anonymous admin.
announcements-group-linked = ✅ This group is now linked to class { $class }. Announcements for { $class } can come here as one message.
announcements-group-not-staff = Only a teacher of the class or the school office can link this group.
announcements-group-which-class = Which class is this group for? Send /linkgroup@{ $bot } 7A.
announcements-group-unknown-class = There is no class { $class }.
announcements-group-not-your-class = Class { $class } is not yours: only its homeroom teacher or the school office can link it.
announcements-group-taken = This group is already linked to class { $class }. Send /unlinkgroup first.
announcements-group-unlinked = This group is no longer linked to class { $class }.
announcements-group-unlink-not-linked = This group is not linked to a class.
announcements-group-unlink-forbidden = Only the class's teacher or the school office can unlink this group.
announcements-group-hello = Hello! I am the school's bot. Homeroom teacher: send /linkgroup@{ $bot } 7A (with your class) so the class's announcements come to this group.
announcements-report-title = 📊 Delivery report: { $what }
announcements-report-totals = ✅ Delivered { $delivered } · 🚫 Unreachable { $unreachable } · ⚠️ Failed { $failed }
announcements-report-cancelled = ✖️ Cancelled before sending: { $count }
announcements-report-class = { $class }: ✅ { $delivered } · 🚫 { $unreachable } · ⚠️ { $failed }
announcements-report-class-group = { $class }: 👥 class group — { $state }
announcements-report-group-delivered = delivered
announcements-report-group-unreachable = unreachable (the bot is no longer in the group)
announcements-report-group-failed = failed
announcements-report-group-cancelled = cancelled
announcements-report-more = …and { $count } more classes, counted in the totals above
announcements-report-staff = Staff: ✅ { $delivered } · 🚫 { $unreachable } · ⚠️ { $failed }
announcements-report-unreachable-hint = 🚫 Unreachable: these people blocked the bot or deleted their account; they get messages again once they write to the bot.
announcements-kind-text = Message
announcements-kind-photo = Photo
announcements-kind-voice = Voice message
announcements-kind-video = Video
announcements-kind-document = Document
