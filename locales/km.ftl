# Khmer texts. Keys must match en.ftl (a test checks).

# commands (the lists each chat sees)
onboarding-cmd-start = ចាប់ផ្តើម
onboarding-cmd-menu = ម៉ឺនុយដើម
onboarding-cmd-whoami = ខ្ញុំជានរណា និងភ្ជាប់ជាមួយអ្នកណា
onboarding-cmd-language = ប្តូរភាសា
onboarding-cmd-help = ជំនួយ
onboarding-cmd-unlink = ផ្តាច់គណនីពីសាលា ឬពីកូន
onboarding-cmd-invite = បង្កើតតំណអញ្ជើញ

# errors
core-error-generic = សូមអភ័យទោស មានបញ្ហាមួយបានកើតឡើង។ សូមព្យាយាមម្តងទៀតបន្តិចទៀត។
core-error-too-fast = អ្នកចុចលឿនពេក។ សូមរង់ចាំមួយភ្លែត។
core-error-unknown-command = មិនស្គាល់ពាក្យបញ្ជានេះទេ។ សូមចុច /help ដើម្បីមើលអ្វីដែលអ្នកអាចធ្វើបាន។
core-error-not-understood = ខ្ញុំមិនយល់សារនេះទេ។ សូមចុច /menu ឬ /help។

# menus
core-menu-outdated = ប៊ូតុងនេះហួសសម័យហើយ។ សូមប្រើម៉ឺនុយថ្មី (/menu)។
onboarding-menu-whoami = 👤 ខ្ញុំជានរណា
onboarding-menu-language = 🌐 ភាសា
onboarding-menu-code = 🔑 ខ្ញុំមានលេខកូដអញ្ជើញ
onboarding-menu-help = ❓ ជំនួយ
onboarding-home-title = ម៉ឺនុយដើម។ តើអ្នកចង់ធ្វើអ្វី?
onboarding-home-welcome-back = សូមស្វាគមន៍ការត្រឡប់មកវិញ! តើអ្នកចង់ធ្វើអ្វី?
onboarding-home-not-linked = គណនីរបស់អ្នកមិនទាន់បានភ្ជាប់ជាមួយសាលាទេ។ សូមចុច /start ដើម្បីចែករំលែកលេខទូរស័ព្ទ ឬប្រើលេខកូដអញ្ជើញ។

# language
onboarding-language-choose = សូមជ្រើសរើសភាសា / Choose your language:
onboarding-language-set = បានប្តូរទៅភាសាខ្មែរ

# onboarding
onboarding-greeting = សួស្តី! 👋 នេះជាប្រព័ន្ធព័ត៌មានសាលារៀន។ លោកអ្នកនឹងទទួលបានដំណឹងអំពីវត្តមានកូន និងព័ត៌មានពីសាលា នៅទីនេះ។
    English? Tap the button below.
onboarding-share-prompt = ដើម្បីភ្ជាប់ទៅសាលា សូមចុចប៊ូតុង «📱 ចែករំលែកលេខទូរស័ព្ទ» នៅខាងក្រោម។ យើងនឹងរកលេខនេះក្នុងបញ្ជីឈ្មោះរបស់សាលា។
onboarding-share-button = 📱 ចែករំលែកលេខទូរស័ព្ទ
onboarding-linked = ✅ បានភ្ជាប់រួចរាល់!
onboarding-not-found = រកមិនឃើញលេខទូរស័ព្ទរបស់អ្នកក្នុងបញ្ជីឈ្មោះសាលាទេ។
    • សូមសុំលេខកូដអញ្ជើញពីគ្រូបន្ទុកថ្នាក់ ឬការិយាល័យសាលា រួចចុចប៊ូតុងខាងក្រោម ឬបើកតំណដែលគេផ្ញើឱ្យ។
    • ឬសុំឱ្យសាលាកែលេខទូរស័ព្ទរបស់អ្នកក្នុងបញ្ជី រួចចុច /start ម្តងទៀត។
onboarding-not-own-contact = សូមចែករំលែកលេខទូរស័ព្ទរបស់អ្នកផ្ទាល់ ដោយចុចប៊ូតុងខាងក្រោម (មិនមែនលេខអ្នកផ្សេងទេ)។
onboarding-bad-phone = លេខទូរស័ព្ទនេះមិនត្រឹមត្រូវទេ។ សូមចុចប៊ូតុងខាងក្រោមម្តងទៀត។
onboarding-not-cambodian = អាចភ្ជាប់បានតែលេខទូរស័ព្ទកម្ពុជា (+855) ប៉ុណ្ណោះ។ បើសាលាមិនមានលេខរបស់អ្នក សូមសុំលេខកូដអញ្ជើញពីសាលា។

# who am I
onboarding-whoami-title = 👤 គណនីរបស់អ្នក៖
onboarding-whoami-staff = 🏫 { $school } — { $roles }
onboarding-whoami-homeroom =     គ្រូបន្ទុកថ្នាក់៖ { $classes }
onboarding-whoami-parent = 👨‍👩‍👧 អាណាព្យាបាលនៅ { $school }៖
onboarding-whoami-child =     • { $name } — ថ្នាក់ { $class }
onboarding-whoami-nobody = គណនីរបស់អ្នកមិនទាន់ភ្ជាប់ជាមួយសាលា ឬសិស្សណាមួយទេ។ សូមចុច /start ដើម្បីភ្ជាប់។
core-role-principal = នាយកសាលា
core-role-operator = អ្នកគ្រប់គ្រងទិន្នន័យ
core-role-teacher = គ្រូ
core-role-gatekeeper = អ្នកយាមទ្វារ
core-role-parent = អាណាព្យាបាល
core-role-none = គ្មានតួនាទី

# help
onboarding-help-intro = ℹ️ ជំនួយ
onboarding-help-not-linked = អ្នកមិនទាន់បានភ្ជាប់ទេ។ ចុច /start ហើយចែករំលែកលេខទូរស័ព្ទ ឬវាយលេខកូដអញ្ជើញដែលសាលាផ្តល់ឱ្យ (/code)។
onboarding-help-principal = នាយកសាលា៖ /today វត្តមានថ្ងៃនេះ, /invite teacher ឬ /invite operator ដើម្បីអញ្ជើញបុគ្គលិក, /invite parent លេខកូដសិស្ស ដើម្បីអញ្ជើញអាណាព្យាបាល។
onboarding-help-operator = អ្នកគ្រប់គ្រងទិន្នន័យ៖ /today វត្តមានគ្រប់ថ្នាក់, /attendance 7A ស្រង់ជំនួសគ្រូ, /substitute, /holiday, /invite teacher ដើម្បីអញ្ជើញគ្រូ, /invite parent លេខកូដសិស្ស ដើម្បីអញ្ជើញអាណាព្យាបាល។
onboarding-help-teacher = គ្រូ៖ /attendance ស្រង់វត្តមាន (ឬវាយ៖ 7A អវត្តមាន 3 17 យឺត 5), /invite parent លេខកូដសិស្ស ដើម្បីអញ្ជើញអាណាព្យាបាលរបស់សិស្សក្នុងថ្នាក់អ្នក។
onboarding-help-parent = អាណាព្យាបាល៖ អ្នកនឹងទទួលដំណឹងពីសាលាអំពីកូនរបស់អ្នកនៅទីនេះ។ /whoami បង្ហាញកូនដែលភ្ជាប់។
onboarding-help-common = /menu ម៉ឺនុយដើម · /whoami គណនីរបស់ខ្ញុំ · /language ភាសា · /unlink ផ្តាច់

# invites
onboarding-invite-ask-code = សូមវាយ ឬបិទភ្ជាប់លេខកូដអញ្ជើញដែលសាលាបានផ្តល់ឱ្យ (ចាប់ផ្តើមដោយអក្សរ i)។ ចុច /cancel ដើម្បីបោះបង់។
onboarding-invite-ask-code-text = សូមផ្ញើលេខកូដជាអក្សរ។
onboarding-invite-ok-parent = ✅ បានភ្ជាប់ជាមួយកូនរបស់អ្នករួចរាល់។ អ្នកនឹងទទួលដំណឹងពីសាលានៅទីនេះ។
onboarding-invite-ok-staff = ✅ បានភ្ជាប់ជាបុគ្គលិកសាលារួចរាល់។ ចុច /menu ដើម្បីចាប់ផ្តើម។
onboarding-invite-invalid = លេខកូដអញ្ជើញនេះមិនត្រឹមត្រូវទេ។ សូមពិនិត្យលេខកូដម្តងទៀត ឬសុំលេខកូដថ្មីពីសាលា។
onboarding-invite-expired = លេខកូដអញ្ជើញនេះផុតកំណត់ហើយ។ សូមសុំលេខកូដថ្មីពីសាលា។
onboarding-invite-used = លេខកូដអញ្ជើញនេះត្រូវបានប្រើរួចហើយ។ លេខកូដនីមួយៗប្រើបានតែម្តង។ សូមសុំលេខកូដថ្មីពីសាលា។
onboarding-invite-revoked = លេខកូដអញ្ជើញនេះត្រូវបានលុបចោលដោយសាលា។ សូមសុំលេខកូដថ្មី។
onboarding-invite-try-again = សូមព្យាយាមម្តងទៀត ឬចុច /cancel។
onboarding-invite-give-up = នៅតែមិនត្រឹមត្រូវ។ សូមទាក់ទងសាលាដើម្បីសុំលេខកូដថ្មី។
onboarding-invite-usage = របៀបប្រើ៖ /invite teacher · /invite operator · /invite principal · /invite parent លេខកូដសិស្ស
onboarding-invite-denied-forbidden = អ្នកមិនមានសិទ្ធិបង្កើតការអញ្ជើញនេះទេ។
onboarding-invite-denied-unknown-student = រកមិនឃើញសិស្សដែលមានលេខកូដនេះនៅសាលារបស់អ្នកទេ។
onboarding-invite-created = ការអញ្ជើញសម្រាប់ { $role }៖
    { $link }
    លេខកូដ៖ { $code }
    ប្រើបានតែម្តង រហូតដល់ថ្ងៃ { $until }។

# unlinking
onboarding-unlink-choose = តើអ្នកចង់ផ្តាច់អ្វី?
onboarding-unlink-staff = 🏫 បុគ្គលិកនៅ { $school }
onboarding-unlink-parent = 👨‍👩‍👧 កូន { $count } នាក់នៅ { $school }
onboarding-unlink-all = ផ្តាច់ទាំងអស់
onboarding-unlink-confirm = ពិតជាចង់ផ្តាច់មែនទេ? អ្នកនឹងលែងទទួលដំណឹងពីសាលាសម្រាប់ការនេះ។
onboarding-unlink-done = ✅ បានផ្តាច់រួចរាល់។ ចុច /start ដើម្បីភ្ជាប់ម្តងទៀតនៅពេលណាក៏បាន។
onboarding-unlink-nothing = គ្មានអ្វីត្រូវផ្តាច់ទេ (ប្រហែលជាបានផ្តាច់រួចហើយ)។
onboarding-unlink-cancelled = បានបោះបង់។
core-button-cancel = បោះបង់
core-button-yes-unlink = បាទ/ចាស ផ្តាច់


# roster errors
roster-err-unreadable-file = មិនអាចអានឯកសារនេះបានទេ។ សូមផ្ញើឯកសារ Excel (.xlsx) ឬឯកសារ CSV ដែលរក្សាទុកជា UTF-8។
roster-err-empty-file = ឯកសារនេះគ្មានទិន្នន័យទេ។ សូមបំពេញទិន្នន័យនៅក្រោមជួរចំណងជើង រួចផ្ញើម្តងទៀត។
roster-err-missing-column = ជួរចំណងជើងខ្វះជួរឈរ “{ $column }”។ សូមបន្ថែមជួរឈរនេះ រួចផ្ញើឯកសារម្តងទៀត។
roster-err-too-many-rows = ឯកសារនេះមាន { $value } ជួរ ប៉ុន្តែអាចនាំចូលបានយ៉ាងច្រើនតែ ៥០ ០០០ ជួរក្នុងមួយលើក។ សូមបំបែកវាជាឯកសារតូចៗ។
roster-err-too-many-errors = មានកំហុសច្រើនពេក (សរុប { $value }) ដូច្នេះបង្ហាញតែ ២០០ កំហុសដំបូងប៉ុណ្ណោះ។ សូមកែកំហុសទាំងនេះ រួចផ្ញើឯកសារម្តងទៀត។
roster-err-required = ជួរទី { $row }: “{ $column }” នៅទទេ។ សូមបំពេញព័ត៌មាននេះ។
roster-err-bad-class = ជួរទី { $row }: ថ្នាក់ “{ $value }” មិនត្រឹមត្រូវទេ។ សូមសរសេរលេខថ្នាក់ (១ ដល់ ១២) បន្តដោយអក្សរថ្នាក់ ឧទាហរណ៍ 7A ឬ 12B។
roster-err-bad-shift = ជួរទី { $row }: វេន “{ $value }” មិនត្រឹមត្រូវទេ។ សូមសរសេរ ព្រឹក ឬ រសៀល (morning ឬ afternoon)។
roster-err-bad-code = ជួរទី { $row }: លេខកូដ “{ $value }” មិនត្រឹមត្រូវទេ។ សូមប្រើតែអក្សរឡាតាំង លេខ ឬសញ្ញា - _ . / មិនឱ្យលើសពី ៤០ តួ។
roster-err-duplicate-code = ជួរទី { $row }: លេខកូដ { $value } មានរួចហើយនៅក្នុងឯកសារនេះ។ លេខកូដនីមួយៗត្រូវតែខុសគ្នា។
roster-err-bad-sex = ជួរទី { $row }: ភេទ “{ $value }” មិនត្រឹមត្រូវទេ។ សូមសរសេរ ប្រុស ឬ ស្រី (M ឬ F)។
roster-err-bad-date = ជួរទី { $row }: ថ្ងៃខែឆ្នាំ “{ $value }” មិនត្រឹមត្រូវ ឬមិនស្ថិតនៅចន្លោះឆ្នាំ ១៩៩០ និងថ្ងៃនេះទេ។ សូមសរសេរជា ឆ្នាំ-ខែ-ថ្ងៃ (ឧ. 2015-03-27) ឬ ថ្ងៃ/ខែ/ឆ្នាំ (ឧ. 27/03/2015)។
roster-err-bad-phone = ជួរទី { $row }: “{ $value }” ក្នុងជួរឈរ { $column } មិនមែនជាលេខទូរស័ព្ទទេ។ សូមសរសេរដូចជា 012 345 678។
roster-err-not-cambodian-phone = ជួរទី { $row }: “{ $value }” ក្នុងជួរឈរ { $column } មិនមែនជាលេខទូរស័ព្ទកម្ពុជាទេ។ អាចប្រើបានតែលេខកម្ពុជា (+855) ប៉ុណ្ណោះ។
roster-err-class-shift-conflict = ជួរទី { $row }: ថ្នាក់ { $value } មានវេនផ្សេងរួចហើយ។ ថ្នាក់មួយអាចរៀនបានតែមួយវេនប៉ុណ្ណោះ។
roster-err-bad-role = ជួរទី { $row }: មិនស្គាល់តួនាទី “{ $value }” ទេ។ សូមប្រើ principal (នាយក), operator (អ្នកគ្រប់គ្រងទិន្នន័យ) ឬ teacher (គ្រូ)។
roster-err-duplicate-phone = ជួរទី { $row }: លេខទូរស័ព្ទ { $value } ត្រូវបានប្រើដោយបុគ្គលិកម្នាក់ទៀតរួចហើយ។ បុគ្គលិកម្នាក់ៗត្រូវមានលេខផ្ទាល់ខ្លួន។
roster-err-unknown-class = ជួរទី { $row }: មិនមានថ្នាក់ { $value } នៅសាលានេះទេ។ សូមនាំចូលបញ្ជីសិស្សជាមុនសិន ឬកែឈ្មោះថ្នាក់។
roster-err-duplicate-homeroom = ជួរទី { $row }: ថ្នាក់ { $value } មានគ្រូបន្ទុកថ្នាក់ម្នាក់ទៀតរួចហើយក្នុងឯកសារនេះ។
onboarding-linked-later = ✅ សាលា { $school } បានបញ្ចូលលេខទូរស័ព្ទរបស់អ្នកហើយ។ គណនីរបស់អ្នកត្រូវបានភ្ជាប់។ ចុច /whoami ដើម្បីមើល។

# attendance
attendance-cmd = ស្រង់វត្តមានសិស្ស
attendance-cmd-today = វត្តមានថ្ងៃនេះ (គ្រប់ថ្នាក់)
attendance-cmd-substitute = ប្រគល់ថ្នាក់ឱ្យគ្រូជំនួស
attendance-cmd-holiday = ថ្ងៃឈប់សម្រាក
attendance-menu = 📋 ស្រង់វត្តមាន
attendance-menu-today = 🏫 វត្តមានថ្ងៃនេះ
core-shift-morning = ព្រឹក
core-shift-afternoon = រសៀល
core-list-and = { ", " }
attendance-sheet-title = 📋 ថ្នាក់ { $class } · វេន{ $shift } · { $date }
attendance-sheet-counts = ✅ { $present }  ❌ { $absent }  ⏰ { $late }  📝 { $excused }  (សរុប { $total })
    ស្រី៖ ✅ { $presentF }  ❌ { $absentF }  ⏰ { $lateF }  📝 { $excusedF }  (សរុប { $totalF })
attendance-sheet-submitted = ✔️ បានបញ្ជូនម៉ោង { $time }។ ចុចលើឈ្មោះដើម្បីកែ រួចបញ្ជូនម្តងទៀត។
attendance-sheet-correcting = ✏️ កំពុងកែ — ចុច «បញ្ជូន» ដើម្បីរក្សាទុកការកែប្រែ។
attendance-sheet-hint = ចុចលើឈ្មោះ៖ ✅ មក → ❌ អវត្តមាន → ⏰ យឺត → 📝 សុំច្បាប់។
attendance-sheet-all-present = ✅ មកទាំងអស់
attendance-sheet-submit = 📤 បញ្ជូន
attendance-sheet-confirm = បញ្ជូនវត្តមានថ្នាក់ { $class }?
    ✅ { $present }  ❌ { $absent }  ⏰ { $late }  📝 { $excused }
    អវត្តមាន៖ { $names }
    អាណាព្យាបាលរបស់សិស្សអវត្តមាននឹងទទួលដំណឹងភ្លាមៗ។
attendance-sheet-confirm-yes = 📤 បាទ/ចាស បញ្ជូន
attendance-sheet-back = ↩️ ត្រឡប់
attendance-sheet-done-short = បានបញ្ជូន
attendance-sheet-done = ✅ បានបញ្ជូនវត្តមានថ្នាក់ { $class } ម៉ោង { $time }។ បានជូនដំណឹងដល់គ្រួសារ { $alerts }។
attendance-sheet-corrected = ✅ បានកែវត្តមានថ្នាក់ { $class } ម៉ោង { $time }។ ដំណឹងថ្មី { $alerts }, ការកែតម្រូវ { $corrections }។
attendance-sheet-correct = ✏️ កែ
attendance-reason-sick = ឈឺ
attendance-reason-family = រឿងគ្រួសារ
attendance-reason-other = ផ្សេងៗ
attendance-reason-ask-note = សូមសរសេរមូលហេតុខ្លីៗ៖
attendance-answer-sick = ឪពុកម្តាយថា៖ ឈឺ
attendance-answer-late = ឪពុកម្តាយថា៖ នឹងមកយឺត
attendance-answer-unaware = ឪពុកម្តាយថា៖ មិនដឹង
attendance-denied-forbidden = អ្នកមិនអាចស្រង់វត្តមានថ្នាក់នេះបានទេ។
attendance-denied-not-found = រកមិនឃើញថ្នាក់នេះទេ។
attendance-denied-day-closed = ថ្ងៃនេះបានបិទហើយ។ មានតែការិយាល័យសាលាទេដែលអាចកែបាន (ក្នុង ៧ ថ្ងៃ)។
attendance-denied-holiday = ថ្ងៃនេះជាថ្ងៃឈប់សម្រាករបស់សាលា។ មិនចាំបាច់ស្រង់វត្តមានទេ។
attendance-denied-future = មិនអាចស្រង់វត្តមានសម្រាប់ថ្ងៃខាងមុខបានទេ។
attendance-stale-day = បញ្ជីនេះសម្រាប់ថ្ងៃ { $date }។ សូមបើកថ្មីតាម /attendance។
attendance-list-changed = បញ្ជីឈ្មោះថ្នាក់បានផ្លាស់ប្តូរ។ នេះជាបញ្ជីថ្មី។
attendance-usage = របៀបប្រើ៖ /attendance ឬ /attendance 7A ឬ /attendance 7A 2026-11-20
attendance-no-classes = អ្នកមិនមានថ្នាក់ដែលត្រូវស្រង់វត្តមានថ្ងៃនេះទេ។
attendance-choose-class = ជ្រើសរើសថ្នាក់ ({ $date })៖
attendance-reminder = ⏰ សូមរំលឹក៖ វត្តមានថ្នាក់ { $class } វេន{ $shift } ថ្ងៃ{ $date } មិនទាន់បានបញ្ជូនទេ។
attendance-open = 📋 ស្រង់វត្តមានឥឡូវ
attendance-quick-twice = លេខ { $token } មានពីរដង។ សូមសរសេរម្តងទៀត។
attendance-quick-bad-token = មិនយល់ “{ $token }”។ ឧទាហរណ៍៖ 7A អវត្តមាន 3 17 22 យឺត 5
attendance-quick-out-of-range = ថ្នាក់ { $class } មានសិស្ស { $max } នាក់។ គ្មានលេខ { $numbers } ទេ។
attendance-quick-confirm = សិស្សផ្សេងទៀតទាំងអស់ត្រូវបានកត់ថាមក។ បញ្ជូន?
attendance-quick-open-list = 📋 បើកបញ្ជី
attendance-today-title = 🏫 វត្តមានថ្ងៃ { $date }
attendance-today-class-done = ✔️ { $class } ({ $shift }) { $time } · { $by } — ✅ { $present } ❌ { $absent } ⏰ { $late } 📝 { $excused } · ចម្លើយ { $answers }
attendance-today-by-office = ការិយាល័យ
attendance-today-class-missing = … { $class } ({ $shift }) មិនទាន់បញ្ជូន · { $teacher } { $linked }
attendance-today-not-linked = (មិនទាន់ភ្ជាប់ Telegram)
attendance-today-totals = សរុប៖ បានបញ្ជូន { $submitted }/{ $classes } ថ្នាក់ · ✅ { $present } ❌ { $absent } ⏰ { $late } 📝 { $excused } (សិស្ស { $students })
attendance-today-remind = 🔔 រំលឹកថ្នាក់ដែលមិនទាន់បញ្ជូន ({ $count })
attendance-today-reminded = បានផ្ញើការរំលឹក { $count }។
attendance-substitute-usage = របៀបប្រើ៖ /substitute 7A លេខកូដគ្រូ [2026-11-24]
attendance-substitute-done = ✅ ថ្នាក់ { $class } ត្រូវបានប្រគល់ឱ្យ { $name } សម្រាប់ថ្ងៃ { $date }។
attendance-substitute-forbidden = មានតែការិយាល័យសាលា ឬនាយកទេដែលអាចប្រគល់ថ្នាក់បាន។
attendance-substitute-unknown-class = រកមិនឃើញថ្នាក់នេះនៅសាលារបស់អ្នកទេ។
attendance-substitute-unknown-staff = រកមិនឃើញគ្រូដែលមានលេខកូដនេះទេ។
attendance-holiday-list = 📅 ថ្ងៃឈប់សម្រាកខាងមុខ៖
attendance-holiday-none = គ្មានថ្ងៃឈប់សម្រាកក្នុងរយៈពេល ៦០ ថ្ងៃខាងមុខទេ។ បន្ថែម៖ /holiday 2026-12-10 មូលហេតុ
attendance-holiday-usage = របៀបប្រើ៖ /holiday 2026-12-10 មូលហេតុ · /holiday remove 2026-12-10 · /holiday (មើលបញ្ជី)
attendance-holiday-set = ✅ ថ្ងៃ { $date } ជាថ្ងៃឈប់សម្រាក។ គ្មានការស្រង់វត្តមាន ឬដំណឹងទេ។
attendance-holiday-removed = ✅ ថ្ងៃ { $date } ជាថ្ងៃសិក្សាធម្មតាវិញ។
attendance-alert-absent-one = ⚠️ { $names } (ថ្នាក់ { $class }) មិនបានមកសាលាទេ ថ្ងៃ{ $date } វេន{ $shift }។
    សូមឆ្លើយមកសាលា៖
attendance-alert-absent-many = ⚠️ កូនរបស់អ្នកមិនបានមកសាលាទេ ថ្ងៃ{ $date } វេន{ $shift }៖ { $names }។
    សូមឆ្លើយមកសាលា៖
attendance-alert-answer-sick = 🤒 ខ្ញុំដឹង — ឈឺ
attendance-alert-answer-late = 🕒 នឹងមកយឺត
attendance-alert-answer-unaware = ❓ ខ្ញុំមិនដឹងទេ
attendance-alert-correction-late = ✅ ការកែតម្រូវ៖ { $name } (ថ្នាក់ { $class }) បានមកដល់សាលាម៉ោង { $time } ថ្ងៃ{ $date } (យឺត)។
attendance-alert-correction-present = ✅ ការកែតម្រូវ៖ { $name } (ថ្នាក់ { $class }) មានវត្តមាននៅសាលា ថ្ងៃ{ $date }។
attendance-alert-correction-excused = ✅ ការកែតម្រូវ៖ អវត្តមានរបស់ { $name } (ថ្នាក់ { $class }) ថ្ងៃ{ $date } ត្រូវបានអនុញ្ញាត (មានច្បាប់)។
attendance-alert-not-yours = ដំណឹងនេះមិនមែនសម្រាប់អ្នកទេ។
attendance-alert-answer-recorded = បានទទួលចម្លើយ។ អរគុណ!
attendance-alert-answered = ✔️ ចម្លើយរបស់អ្នក៖ { $answer }
attendance-today-unreachable = 📵 គ្រួសារដែលបានបិទ (block) បូត ហើយមិនអាចទទួលដំណឹងបាន៖ { $list }
attendance-quick-confirm-correction = ការកែតម្រូវ៖ មានតែសិស្សដែលបានសរសេរប៉ុណ្ណោះដែលផ្លាស់ប្តូរ។ បញ្ជូន?

# reports
reports-cmd = របាយការណ៍វត្តមាន
reports-cmd-student = វត្តមានរបស់សិស្សម្នាក់
reports-menu = 📊 របាយការណ៍
reports-choose = តើចង់បានរបាយការណ៍អ្វី?
reports-btn-today = ថ្ងៃនេះ
reports-btn-yesterday = ម្សិលមិញ
reports-btn-week = សប្តាហ៍នេះ
reports-btn-month = ខែនេះ
reports-btn-lastmonth = ខែមុន
reports-usage = របៀបប្រើ៖ /report today · /report yesterday · /report week · /report month 2026-10 · /report 7A month
reports-future = មិនអាចធ្វើរបាយការណ៍សម្រាប់ពេលខាងមុខបានទេ។
reports-denied-class = អ្នកមិនអាចមើលរបាយការណ៍នេះបានទេ។
reports-preparing = ⏳ កំពុងរៀបចំរបាយការណ៍ ({ $period })។ រូបភាព និងឯកសារ Excel នឹងមកដល់បន្តិចទៀត។
reports-children-title = 📊 វត្តមានកូនរបស់អ្នក ពី { $from } ដល់ { $to }៖
reports-child-line = • { $name } (ថ្នាក់ { $class })៖ មក { $present } ថ្ងៃ ក្នុងចំណោម { $days } ថ្ងៃ · យឺត { $late } · អវត្តមាន { $absent } · មានច្បាប់ { $excused }
reports-student-usage = របៀបប្រើ៖ /student លេខកូដសិស្ស [2026-10]
reports-student-denied = រកមិនឃើញសិស្សនេះក្នុងថ្នាក់ ឬសាលារបស់អ្នកទេ។
reports-summary-title = 📊 { $school } — { $period }
reports-summary-rate = អត្រាវត្តមាន { $rate } (សិស្សស្រី { $rateF }) · ថ្ងៃសិក្សា { $days }
reports-summary-counts = ✅ { $present }  ⏰ { $late }  📝 { $excused }  ❌ { $absent }
reports-summary-flags = សិស្សអវត្តមានញឹកញាប់ { $chronic } · ថ្នាក់ដែលមិនបានបញ្ជូនវត្តមាន { $missing }

# report rendering (chart and workbook: src/reports/render.ts, workbook.ts)
reports-title-daily = វត្តមានសិស្ស ថ្ងៃទី { $date }
reports-title-monthly = វត្តមានសិស្ស ខែ{ $month }
reports-title-range = វត្តមានសិស្ស ពីថ្ងៃទី { $from } ដល់ថ្ងៃទី { $to }
reports-totals-daily = អត្រាវត្តមាន { $rate } · សិស្សស្រី { $girls } · ថ្នាក់បានបញ្ជូន { $submitted }/{ $classes }
reports-totals-period = អត្រាវត្តមាន { $rate } · សិស្សស្រី { $girls } · បញ្ជីវត្តមានបានបញ្ជូន { $submitted }/{ $expected }
reports-present = វត្តមាន
reports-late = មកយឺត
reports-excused = មានច្បាប់
reports-absent = អវត្តមាន
reports-not-submitted = មិនទាន់បញ្ជូន
reports-percent = { $value }%
reports-shift-heading = វេន{ $shift }
reports-total = សរុប
reports-days-fraction = { $submitted }/{ $days } ថ្ងៃ
reports-no-classes = មិនមានថ្នាក់ក្នុងរបាយការណ៍នេះទេ។
reports-sheet-summary = សង្ខេប
reports-sheet-students = សិស្ស
reports-sheet-days = តាមថ្ងៃ
reports-sheet-missing = មិនទាន់បញ្ជូន
reports-col-class = ថ្នាក់
reports-col-shift = វេន
reports-col-students = ចំនួនសិស្ស
reports-col-girls = សិស្សស្រី
reports-col-school-days = ថ្ងៃសិក្សា
reports-col-days-submitted = ថ្ងៃបានបញ្ជូន
reports-col-marks = ការកត់ត្រាសរុប
reports-col-girls-of = { $column } (ស្រី)
reports-col-rate = អត្រាវត្តមាន
reports-col-girls-rate = អត្រាវត្តមានសិស្សស្រី
reports-col-code = អត្តលេខសិស្ស
reports-col-name-km = ឈ្មោះ (ខ្មែរ)
reports-col-name-en = ឈ្មោះ (អក្សរឡាតាំង)
reports-col-sex = ភេទ
reports-sex-m = ប្រុស
reports-sex-f = ស្រី
reports-col-days-marked = ថ្ងៃមានកត់ត្រា
reports-col-longest-absence = អវត្តមានជាប់គ្នាយូរបំផុត (ថ្ងៃ)
reports-col-chronic = អវត្តមានញឹកញាប់
reports-yes = មែន
reports-no = ទេ
reports-col-date = កាលបរិច្ឆេទ
reports-col-teacher = គ្រូ
reports-teacher-none = (គ្មានគ្រូ)

# province roll-up
core-role-director = មន្ទីរអប់រំ
onboarding-help-director = មន្ទីរអប់រំ៖ /report ថ្ងៃនេះ ឬម្សិលមិញ — ការប្រើប្រាស់ប្រព័ន្ធ និងវត្តមានគ្រប់សាលា និងសាលាដែលត្រូវទូរស័ព្ទទៅ។
onboarding-whoami-office-province = 🏛 មន្ទីរអប់រំ ខេត្ត/រាជធានី { $province }
onboarding-whoami-office-national = 🏛 ក្រសួងអប់រំ (ថ្នាក់ជាតិ)
reports-rollup-national = ទូទាំងប្រទេស
reports-rollup-daily-only = របាយការណ៍សរុបតាមខេត្តមានតែប្រចាំថ្ងៃ៖ /report today ឬ /report yesterday
reports-rollup-sheet = សាលារៀន
reports-rollup-col-code = លេខកូដ
reports-rollup-col-name = សាលា
reports-rollup-col-classes = ថ្នាក់
reports-rollup-col-submitted = បានបញ្ជូន
reports-rollup-col-submitted-share = ភាគរយបញ្ជូន
reports-rollup-col-students = សិស្ស
reports-rollup-col-guardians = អាណាព្យាបាល
reports-rollup-col-linked-share = ភាគរយភ្ជាប់ Telegram
reports-rollup-col-present = មក
reports-rollup-col-late = យឺត
reports-rollup-col-excused = មានច្បាប់
reports-rollup-col-absent = អវត្តមាន
reports-rollup-col-rate = អត្រាវត្តមាន
reports-rollup-col-girls-rate = អត្រាសិស្សស្រី
reports-rollup-col-call = ត្រូវទូរស័ព្ទ
reports-rollup-reason-none-submitted = គ្មានថ្នាក់ណាបញ្ជូនវត្តមានទេ
reports-rollup-reason-few-submitted = ថ្នាក់ដែលបញ្ជូនតិចជាងពាក់កណ្តាល
reports-rollup-reason-low-attendance = អត្រាវត្តមានទាបជាង ៨៥%
reports-rollup-reason-few-families = គ្រួសារភ្ជាប់តិចជាង ៣០%
reports-rollup-title = 🏛 { $area } — { $date }
reports-rollup-adoption = សាលាប្រើប្រព័ន្ធថ្ងៃនេះ { $using }/{ $schools } · ថ្នាក់បានបញ្ជូន { $classes } · គ្រួសារភ្ជាប់ { $families }
reports-rollup-rate = អត្រាវត្តមាន { $rate }
reports-rollup-calls = ត្រូវទូរស័ព្ទទៅ { $count } សាលា៖ { $list }
reports-rollup-no-calls = គ្មានសាលាណាត្រូវទូរស័ព្ទទៅទេ។
reports-rollup-chart-capped = រូបភាពបង្ហាញសាលា { $shown } ដែលត្រូវការការយកចិត្តទុកដាក់ជាងគេ ក្នុងចំណោម { $schools }។ ឯកសារ Excel មានសាលាទាំងអស់។

## qr scanning
onboarding-help-gatekeeper = អ្នកយាមទ្វារ៖ ស្កេនកាតសិស្សម្នាក់ៗដោយកាមេរ៉ាទូរស័ព្ទ (តំណនឹងបើកបូតនេះ) ផ្ញើរូបថតកាត ឬចុច /scan ដើម្បីស្កេនកាតបន្តបន្ទាប់គ្នាក្នុងកម្មវិធីស្កេន។
qr-menu-scan = 📷 ស្កេនកាត
qr-cmd-scan = ស្កេនកាតសិស្ស
qr-cmd-notices = បើក ឬបិទសារជូនដំណឹងពេលមកដល់
qr-scan-notice-arrived = ✅ { $name } បានមកដល់សាលាម៉ោង { $time }។
qr-scan-notice-late = ⏰ { $name } បានមកដល់សាលាយឺត ម៉ោង { $time }។
qr-scan-notices-off-button = 🔕 ឈប់ផ្ញើសារពេលមកដល់
qr-scan-notices-on-button = 🔔 ផ្ញើសារពេលមកដល់វិញ
qr-scan-notices-off-done = 🔕 សារជូនដំណឹងពេលមកដល់ត្រូវបានបិទ។ អ្នកនៅតែទទួលដំណឹងភ្លាមៗ ប្រសិនបើកូនអ្នកអវត្តមាន។ ចុច /notices ដើម្បីបើកវិញ។
qr-scan-notices-on-done = 🔔 សារជូនដំណឹងពេលមកដល់ត្រូវបានបើក៖ អ្នកនឹងទទួលដំណឹងពេលកាតកូនអ្នកត្រូវបានស្កេននៅមាត់ទ្វារ។
qr-scan-notices-status-on = 🔔 សារជូនដំណឹងពេលមកដល់កំពុងបើក៖ អ្នកទទួលដំណឹងពេលកាតកូនអ្នកត្រូវបានស្កេននៅមាត់ទ្វារ។ ដំណឹងអវត្តមានតែងតែមកដល់។
qr-scan-notices-status-off = 🔕 សារជូនដំណឹងពេលមកដល់កំពុងបិទ។ ដំណឹងអវត្តមាននៅតែមកដល់។
qr-scan-notices-parents-only = សារជូនដំណឹងពេលមកដល់ គឺសម្រាប់អាណាព្យាបាលសិស្ស។
qr-scan-arrived = ✅ { $name } · ថ្នាក់ { $class } — មកដល់ម៉ោង { $time }
qr-scan-arrived-late = ⏰ { $name } · ថ្នាក់ { $class } — មកដល់យឺត ម៉ោង { $time }
qr-scan-families-told = 👪 បានជូនដំណឹងគ្រួសារ៖ { $count }
qr-scan-departed = 👋 { $name } · ថ្នាក់ { $class } — ចេញម៉ោង { $time } (មកដល់ម៉ោង { $arrived })
qr-scan-repeat = ↩️ { $name } ត្រូវបានស្កេនរួចហើយ (មកដល់ម៉ោង { $arrived })។ គ្មានអ្វីផ្លាស់ប្តូរទេ។
qr-scan-repeat-left = ↩️ { $name } ត្រូវបានស្កេនរួចហើយ៖ មកដល់ម៉ោង { $arrived } ចេញម៉ោង { $left }។ គ្មានអ្វីផ្លាស់ប្តូរទេ។
qr-scan-denied-malformed = ❌ នេះមិនមែនជាលេខកូដកាតសិស្សទេ។ សូមស្កេន QR លើកាតម្តងទៀត។
qr-scan-denied-forged = ❌ កាតនេះមិនត្រឹមត្រូវ៖ លេខកូដរបស់វាមិនមែនបង្កើតដោយប្រព័ន្ធសាលានេះទេ។ សូមរក្សាកាតទុក ហើយប្រាប់ការិយាល័យ។
qr-scan-denied-revoked = ❌ កាតនេះត្រូវបានជំនួសដោយកាតថ្មី ហើយលែងប្រើបានទៀតហើយ។ សូមរក្សាវាទុក ហើយប្រាប់ការិយាល័យ។
qr-scan-denied-unknown = ❌ គ្មានសិស្សបច្ចុប្បន្នណាម្នាក់មានកាតនេះទេ។
qr-scan-denied-other-school = ❌ កាតនេះជារបស់សិស្សសាលាផ្សេង។ គ្មានអ្វីត្រូវបានកត់ត្រាទេ។
qr-scan-denied-not-scanner = ℹ️ នេះជាកាតសិស្ស។ មានតែអ្នកយាមទ្វារ អ្នកគ្រប់គ្រងទិន្នន័យ ឬគ្រូរបស់សាលាប៉ុណ្ណោះ ដែលអាចកត់ត្រាការស្កេនបាន។
qr-scan-photo-none = 🔍 រកមិនឃើញកូដ QR ក្នុងរូបថតទេ។ សូមដាក់កាតឲ្យរាបស្មើ ឲ្យកាតពេញរូប ហើយសាកម្តងទៀត។
qr-scan-photo-many = 🔍 រូបថតមានកូដ { $count }។ សូមផ្ញើកាតមួយក្នុងរូបថតមួយ។
qr-scan-photo-bad = ❌ មិនអាចអានរូបភាពនោះបានទេ។ សូមផ្ញើរូបថតកាតមួយ។
qr-scan-photo-too-big = ❌ រូបភាពនោះធំពេក។ សូមផ្ញើជារូបថត មិនមែនជាឯកសារទេ។
qr-scan-howto = 📷 វិធីបីយ៉ាងដើម្បីកត់ត្រាការមកដល់៖
    ១. តម្រង់កាមេរ៉ាទូរស័ព្ទទៅកាត៖ តំណនឹងបើកបូតនេះ ហើយការមកដល់ត្រូវបានកត់ត្រា។
    ២. ផ្ញើរូបថតកាតមកទីនេះ។
    ៣. ចុចប៊ូតុងខាងក្រោម ដើម្បីបើកកម្មវិធីស្កេននៅមាត់ទ្វារ ហើយស្កេនកាតបន្តបន្ទាប់គ្នា។
qr-scan-howto-no-app = 📷 វិធីពីរយ៉ាងដើម្បីកត់ត្រាការមកដល់៖
    ១. តម្រង់កាមេរ៉ាទូរស័ព្ទទៅកាត៖ តំណនឹងបើកបូតនេះ ហើយការមកដល់ត្រូវបានកត់ត្រា។
    ២. ផ្ញើរូបថតកាតមកទីនេះ។
qr-scan-open-app = 📷 បើកកម្មវិធីស្កេនមាត់ទ្វារ
qr-scan-menu-button = ស្កេន
qr-scan-app-title = ស្កេននៅមាត់ទ្វារ
qr-scan-app-start = 📷 ស្កេនកាត
qr-scan-app-hint = តម្រង់ទៅកាតសិស្ស
qr-scan-app-empty = មិនទាន់មានការស្កេនទេ។ ចុចប៊ូតុង ហើយតម្រង់កាមេរ៉ាទៅកាត។
qr-scan-app-denied = ❌ កម្មវិធីស្កេននេះសម្រាប់តែបុគ្គលិកសាលាដែលកត់ត្រាការមកដល់ប៉ុណ្ណោះ។
qr-scan-app-failed = ⚠️ មិនអាចកត់ត្រាបានទេ៖ សូមពិនិត្យការតភ្ជាប់ ហើយស្កេនម្តងទៀត។
qr-cutoff-teacher = 📋 ថ្នាក់ { $class } វេន{ $shift } { $date }៖ សិស្ស { $count } នាក់មិនបានស្កេននៅមាត់ទ្វារមុនម៉ោង { $time } ហើយត្រូវបានស្នើថា អវត្តមាន៖
    { $names }
    ចុច ✅ ដើម្បីបញ្ជាក់ ហើយជូនដំណឹងដល់គ្រួសារ ឬបើកបញ្ជីដើម្បីកែ។
qr-cutoff-teacher-sent = 📋 ថ្នាក់ { $class } វេន{ $shift } { $date }៖ សិស្ស { $count } នាក់មិនបានស្កេនមុនម៉ោង { $time }។ ពួកគេត្រូវបានកត់ថាអវត្តមាន ហើយគ្រួសាររបស់ពួកគេកំពុងទទួលដំណឹង៖
    { $names }
    បើកបញ្ជីដើម្បីកែ ប្រសិនបើកុមារណាម្នាក់នៅទីនេះ។
qr-cutoff-confirm = ✅ បញ្ជាក់ — ជូនដំណឹងគ្រួសារ
qr-cutoff-open = 📋 បើកបញ្ជី
qr-cutoff-office-no-scans = ⚠️ គ្មានកាតណាត្រូវបានស្កេនក្នុងវេន{ $shift } ({ $date }) នៅ { $school } ទេ ដូច្នេះមិនបានស្នើបញ្ជីអវត្តមានទេ។ តើថ្ងៃនេះបានប្រើកម្មវិធីស្កេននៅមាត់ទ្វារទេ?
attendance-today-by-scan = ការស្កេននៅមាត់ទ្វារ
qr-cmd-scanning = ការកំណត់ការស្កេននៅមាត់ទ្វារ
qr-scanning-on = 📷 ការស្កេននៅមាត់ទ្វារ កំពុងបើកសម្រាប់សាលារបស់អ្នក។
qr-scanning-off = 📷 ការស្កេននៅមាត់ទ្វារ កំពុងបិទ៖ ការស្កេនត្រូវបានកត់ត្រា ប៉ុន្តែគ្មានម៉ោងកាត់ និងគ្មានបញ្ជីអវត្តមានស្វ័យប្រវត្តិទេ។
qr-scanning-shift = វេន{ $shift }៖ យឺតក្រោយម៉ោង { $late } · ម៉ោងកាត់ { $cutoff }
qr-scanning-mode-confirm = នៅម៉ោងកាត់ គ្រូបន្ទុកថ្នាក់បញ្ជាក់បញ្ជីអវត្តមានដោយចុចម្តង បន្ទាប់មកគ្រួសារទទួលដំណឹង។
qr-scanning-mode-immediate = នៅម៉ោងកាត់ គ្រួសាររបស់សិស្សដែលមិនបានស្កេន ទទួលដំណឹងភ្លាមៗ ហើយគ្រូអាចកែបាន។
qr-scanning-cooldown = ការស្កេនលើកទីពីរក្នុងរយៈពេល { $minutes } នាទី មិនត្រូវបានរាប់ទេ។
qr-scanning-howto = ប្តូរម៉ោងដោយវាយ ឧទាហរណ៍៖ /scanning late morning ០៧:១៥ · /scanning cutoff afternoon ១៤:០០ · /scanning cooldown ៥
qr-scanning-turn-on = ▶️ បើកការស្កេន
qr-scanning-turn-off = ⏸ បិទការស្កេន
qr-scanning-use-confirm = 👩‍🏫 គ្រូបញ្ជាក់ជាមុនសិន
qr-scanning-use-immediate = ⚡ ជូនដំណឹងគ្រួសារនៅម៉ោងកាត់
qr-scanning-usage = វាយឧទាហរណ៍៖ /scanning late morning ០៧:១៥ · /scanning cutoff afternoon ១៤:០០ · /scanning cooldown ៥ (នាទី)
qr-scanning-office-only = មានតែនាយកសាលា ឬអ្នកគ្រប់គ្រងទិន្នន័យប៉ុណ្ណោះ ដែលអាចប្តូរការកំណត់ការស្កេនបាន។
qr-scanning-error-no-school = រកមិនឃើញសាលារបស់អ្នកទេ។
qr-scanning-error-bad-time = { $time } មិនមែនជាម៉ោងទេ។ សូមសរសេរជា ម៉ោង:នាទី ឧទាហរណ៍ ០៧:១៥។
qr-scanning-error-bad-cooldown = រយៈពេលរង់ចាំត្រូវតែនៅចន្លោះ ១ ដល់ ២៤០ នាទី។
qr-scanning-error-cutoff-before-late = ម៉ោងកាត់ ({ $cutoff }) ត្រូវតែក្រោយម៉ោងយឺត ({ $late })។ គ្មានអ្វីត្រូវបានប្តូរទេ។

## qr cards
qr-card-title = កាតសិស្ស
qr-card-class = ថ្នាក់
qr-card-code = អត្តលេខសិស្ស
qr-cmd-cards = បោះពុម្ពកាតសិស្សរបស់ថ្នាក់
qr-cmd-card = កាតរបស់សិស្សម្នាក់ ឬកាតថ្មីជំនួសកាតដែលបាត់
qr-menu-cards = 🪪 កាតសិស្ស
qr-choose-class = បោះពុម្ពកាតសិស្សសម្រាប់ថ្នាក់មួយណា?
qr-btn-all-classes = ថ្នាក់ទាំងអស់
qr-no-classes = អ្នកមិនមានថ្នាក់ណាដែលអាចបោះពុម្ពកាតសិស្សបានទេ។ កាតសិស្សបោះពុម្ពដោយនាយកសាលា អ្នកគ្រប់គ្រងទិន្នន័យ ឬគ្រូបន្ទុកថ្នាក់។
qr-class-denied = អ្នកមិនអាចបោះពុម្ពកាតសម្រាប់ថ្នាក់ { $class } បានទេ (គ្មានថ្នាក់នេះ ឬមិនមែនជាថ្នាក់របស់អ្នក)។
qr-denied = អ្នកមិនមានសិទ្ធិធ្វើការនេះទេ។ គ្មានអ្វីផ្លាស់ប្តូរទេ។
qr-preparing-class = 🪪 កំពុងរៀបចំកាតសិស្សថ្នាក់ { $class } (ឯកសារ PDF សម្រាប់បោះពុម្ពលើក្រដាស A4)។ វានឹងមកដល់បន្តិចទៀតនេះ។
qr-preparing-all = 🪪 កំពុងរៀបចំកាតសិស្សសម្រាប់ { $count } ថ្នាក់៖ ឯកសារ PDF មួយសម្រាប់ថ្នាក់នីមួយៗ នឹងមកដល់បន្តបន្ទាប់គ្នា។
qr-sheet-title = { $school } · ថ្នាក់ { $class }
qr-sheet-caption = 🪪 កាតសិស្សថ្នាក់ { $class }៖ { $count } នាក់។ បោះពុម្ពលើក្រដាស A4 តាមទំហំពិត (១០០%) រួចកាត់តាមបន្ទាត់ដាច់ៗ។
qr-sheet-empty = ថ្នាក់ { $class } មិនមានសិស្សទេ៖ គ្មានកាតត្រូវបោះពុម្ពទេ។
qr-card-usage = សរសេរ /card និងអត្តលេខសិស្ស (ឧ. /card S00123) ដើម្បីទទួលកាតរបស់សិស្ស ឬ /card S00123 new ដើម្បីចេញកាតថ្មីជំនួសកាតដែលបាត់។
qr-student-not-found = រកមិនឃើញសិស្សដែលមានអត្តលេខ { $code } នៅសាលារបស់អ្នកទេ។
qr-student-denied = សិស្សនេះមិនមែននៅក្នុងថ្នាក់របស់អ្នកទេ។
qr-reissue-office-only = មានតែនាយកសាលា ឬអ្នកគ្រប់គ្រងទិន្នន័យប៉ុណ្ណោះ ដែលអាចចេញកាតថ្មីបាន។ សូមជូនដំណឹងទៅការិយាល័យសាលា។
qr-card-gone = សិស្សនេះមិនមាននៅក្នុងបញ្ជីថ្នាក់ឆ្នាំសិក្សានេះទេ ដូច្នេះមិនអាចធ្វើកាតបានទេ។
qr-card-preparing = 🪪 កំពុងរៀបចំកាតរបស់ { $name } (ថ្នាក់ { $class })…
qr-card-caption = 🪪 { $name } · ថ្នាក់ { $class } · { $code }
qr-card-caption-new = 🪪 កាតថ្មីរបស់ { $name } (ថ្នាក់ { $class }, { $code })។ កាតចាស់លែងប្រើបានហើយ។
qr-reissue-confirm = ចេញកាតថ្មីសម្រាប់ { $name } (ថ្នាក់ { $class }, { $code }) មែនទេ?
    កាតចាស់នឹងលែងប្រើបានភ្លាមៗ។
qr-btn-reissue = បាទ/ចាស ចេញកាតថ្មី
qr-btn-cancel = បោះបង់
qr-reissued = ✅ បានចេញកាតថ្មីសម្រាប់ { $code } (លើកទី { $version })។ កាតចាស់លែងប្រើបានហើយ។ កាតថ្មីកំពុងរៀបចំ…
qr-reissue-stale = កាតនេះត្រូវបានប្តូរថ្មីរួចហើយ។ គ្មានអ្វីផ្លាស់ប្តូរទេ។
qr-cancelled = បានបោះបង់។ គ្មានអ្វីផ្លាស់ប្តូរទេ។

## questions
questions-cmd-ask = សួរសំណួរទៅគ្រូរបស់កូន
questions-cmd-questions = សំណួរ និងចម្លើយ
questions-cmd-quiet = ម៉ោងមិនរំខានសម្រាប់សំណួរពីអាណាព្យាបាល
questions-cmd-teaches = គ្រូណាបង្រៀនថ្នាក់ណា
questions-help-parent = /ask — សរសេរទៅគ្រូបន្ទុកថ្នាក់ ឬគ្រូមុខវិជ្ជារបស់កូន (អក្សរ សារជាសំឡេង ឬរូបថត); /questions — សំណួររបស់អ្នក និងចម្លើយ។
questions-help-teacher = /questions — សំណួរពីអាណាព្យាបាលដែលកំពុងរង់ចាំចម្លើយពីអ្នក; ចុច «↩️ ឆ្លើយតប» នៅក្រោមសំណួរ ដើម្បីឆ្លើយជាអក្សរ ឬជាសំឡេង។ /quiet 20:00 06:30 — សំណួរនឹងរង់ចាំដល់ព្រឹក លើកលែងតែសំណួរបន្ទាន់។
questions-help-principal = /questions — សំណួរដែលមិនទាន់ឆ្លើយទូទាំងសាលា រយៈពេលដែលបានរង់ចាំ និងល្បឿនឆ្លើយរបស់គ្រូម្នាក់ៗ; /questions within 24 — ចំនួនម៉ោង មុនពេលសំណួរដែលគ្មានចម្លើយត្រូវបញ្ជូនមកអ្នក; /teaches 7A — គ្រូដែលអាណាព្យាបាលរបស់ថ្នាក់មួយអាចសរសេរទៅបាន។
questions-help-operator = /teaches 7A លេខកូដបុគ្គលិក គណិតវិទ្យា — កត់ត្រាគ្រូមុខវិជ្ជារបស់ថ្នាក់មួយ (អាណាព្យាបាលអាចសរសេរទៅគាត់បាន); /teaches 7A បង្ហាញបញ្ជី; /teaches remove 7A លេខកូដបុគ្គលិក។
questions-menu-ask = ❓ សួរគ្រូ
questions-menu-questions = 💬 សំណួរ
questions-dur-minutes = { $m } នាទី
questions-dur-hours = { $h } ម៉ោង { $m } នាទី
questions-dur-days = { $d } ថ្ងៃ { $h } ម៉ោង
questions-copy-question = ❓ សំណួរពីអាណាព្យាបាលរបស់ { $child } ថ្នាក់ { $class }
questions-copy-followup = ❓ អាណាព្យាបាលរបស់ { $child } ថ្នាក់ { $class } សរសេរមកម្តងទៀត
questions-copy-urgent = 🔴 បន្ទាន់
questions-copy-from = ពី៖ { $name }
questions-copy-answer = 💬 ចម្លើយពី { $teacher } អំពី { $child }
questions-button-reply = ↩️ ឆ្លើយតប
questions-button-history = 🗂 ប្រវត្តិ
questions-button-write-back = ↩️ សរសេរតប
questions-button-open = 🗂 បើកសំណួរ
questions-history-title = 🗂 { $child } ថ្នាក់ { $class } — { $teacher }
questions-history-open = កំពុងរង់ចាំចម្លើយពីគ្រូ។
questions-history-answered = បានឆ្លើយរួចហើយ។
questions-history-parent = 👪 អាណាព្យាបាល
questions-history-staff = 👩‍🏫 គ្រូ
questions-history-voice = សារជាសំឡេងទី { $n }
questions-history-photo = រូបថតទី { $n }
questions-history-earlier = … សារមុនៗចំនួន { $count } មិនត្រូវបានបង្ហាញទេ។
questions-escalation = ⏰ សំណួររបស់អាណាព្យាបាលម្នាក់បានរង់ចាំ { $waited } ហើយ នៅតែគ្មានចម្លើយ។
    សិស្ស៖ { $child } ថ្នាក់ { $class }
    សួរទៅ៖ { $teacher } តាំងពី { $since }
questions-bad-empty = សារនេះទទេ។ សូមសរសេរសំណួររបស់អ្នក ឬផ្ញើសារជាសំឡេង ឬរូបថត។
questions-bad-too-long = សារវែងពេក៖ យ៉ាងច្រើន { $max } តួអក្សរ។ សូមសរសេរឱ្យខ្លីជាងនេះ ឬផ្ញើជាច្រើនដង។
questions-bad-caption-too-long = អក្សរនៅក្រោមរូបថត ឬសារជាសំឡេង វែងពេក៖ យ៉ាងច្រើន { $max } តួអក្សរ។
questions-bad-too-big = ឯកសារធំពេក៖ យ៉ាងច្រើន { $max } មេកាបៃ។
questions-bad-voice-too-long = សារជាសំឡេងវែងពេក៖ យ៉ាងច្រើន { $max } នាទី។
questions-bad-unsupported = មិនអាចបញ្ជូនសារប្រភេទនេះបានទេ។ សូមផ្ញើជាអក្សរ សារជាសំឡេង ឬរូបថត។
questions-bad-no-photo = សូមឆ្លើយជាអក្សរ ឬជាសារជាសំឡេង។
questions-rate-hour = អ្នកបានផ្ញើសំណួរចំនួន { $limit } ក្នុងរយៈពេលមួយម៉ោងចុងក្រោយនេះ។ សូមរង់ចាំបន្តិច មុននឹងផ្ញើបន្ថែម។
questions-rate-day = អ្នកបានផ្ញើសំណួរចំនួន { $limit } ហើយនៅថ្ងៃនេះ។ សូមរង់ចាំដល់ថ្ងៃស្អែក ឬទាក់ទងការិយាល័យសាលា បើមានរឿងបន្ទាន់។
questions-denied-not-your-child = អ្នកអាចសួរបានតែអំពីកូនរបស់អ្នកប៉ុណ្ណោះ។
questions-denied-not-their-teacher = គ្រូនេះមិនបង្រៀនកូនរបស់អ្នកទេ។ សូមជ្រើសរើសម្តងទៀតដោយ /ask។
questions-denied-not-your-thread = ការសន្ទនានេះមិនមែនជារបស់អ្នកទេ។
questions-denied-not-addressed = សំណួរនេះមិនបានផ្ញើមកអ្នកទេ។
questions-denied-not-found = សំណួរនេះលែងមានទៀតហើយ។
questions-denied-not-allowed = អ្នកមិនអាចអានការសន្ទនានេះបានទេ។
questions-denied-not-a-parent = មានតែអាណាព្យាបាលដែលបានភ្ជាប់ជាមួយកូនប៉ុណ្ណោះ ទើបអាចសួរសំណួរនៅទីនេះបាន។
questions-denied-no-role = សំណួរគឺសម្រាប់អាណាព្យាបាល គ្រូ និងនាយកសាលា ដែលបានភ្ជាប់ជាមួយសាលា។
questions-denied-office-only = មានតែនាយកសាលា ឬការិយាល័យសាលាប៉ុណ្ណោះដែលអាចធ្វើការនេះបាន។
questions-denied-staff-only = ម៉ោងមិនរំខានគឺសម្រាប់បុគ្គលិកសាលា។
questions-denied-principal-only = មានតែនាយកសាលាប៉ុណ្ណោះដែលអាចផ្លាស់ប្តូរការកំណត់នេះបាន។
questions-parent-gone = អាណាព្យាបាលនេះលែងភ្ជាប់ជាមួយសិស្សទៀតហើយ ដូច្នេះចម្លើយមិនត្រូវបានផ្ញើទេ។
questions-urgent-off = ⚪ មិនបន្ទាន់
questions-urgent-on = 🔴 បន្ទាន់
questions-urgent-set = បានសម្គាល់ថាបន្ទាន់៖ សំណួរនឹងទៅដល់គ្រូភ្លាមៗ ទោះក្នុងម៉ោងមិនរំខានក៏ដោយ។
questions-urgent-unset = លែងបន្ទាន់ហើយ។
questions-cancel = បោះបង់
questions-cancelled = បានបោះបង់។ គ្មានអ្វីត្រូវបានផ្ញើទេ។
questions-compose-prompt = ✍️ សូមសរសេរសំណួររបស់អ្នកទៅ { $teacher } អំពី { $child }៖ ជាអក្សរ សារជាសំឡេង ឬរូបថត។
    ចុច «បន្ទាន់» ជាមុនសិន បើរឿងនេះមិនអាចរង់ចាំបាន។
questions-sent = ✅ បានផ្ញើទៅ { $teacher } ហើយ។ អ្នកនឹងទទួលបានចម្លើយនៅទីនេះ។
questions-sent-later = ✅ បានរក្សាទុក។ { $teacher } មិនទទួលសំណួរនៅម៉ោងនេះទេ៖ សំណួរនឹងទៅដល់គាត់នៅ { $time }។ សូមសម្គាល់ថាបន្ទាន់ បើមិនអាចរង់ចាំបាន។
questions-answer-prompt = ✍️ សូមសរសេរចម្លើយរបស់អ្នកអំពី { $child } (ថ្នាក់ { $class })៖ ជាអក្សរ ឬសារជាសំឡេង។ មានតែអាណាព្យាបាលម្នាក់នេះប៉ុណ្ណោះដែលនឹងទទួលបាន។
questions-answer-sent = ✅ ចម្លើយរបស់អ្នកអំពី { $child } ត្រូវបានផ្ញើទៅអាណាព្យាបាលហើយ។
questions-no-teachers = មិនទាន់មានគ្រូរបស់ { $child } ណាម្នាក់ប្រើប្រព័ន្ធនេះនៅឡើយទេ។ សូមទាក់ទងការិយាល័យសាលា។
questions-no-children = បច្ចុប្បន្ន មិនមានកូនណាម្នាក់ដែលអ្នកបានភ្ជាប់ កំពុងចុះឈ្មោះសិក្សានោះទេ។ សូមទាក់ទងសាលា។
questions-homeroom = គ្រូបន្ទុកថ្នាក់
questions-subject-teacher = គ្រូមុខវិជ្ជា
questions-choose-teacher = តើអ្នកចង់សរសេរទៅនរណាអំពី { $child }?
questions-choose-child = តើសំណួររបស់អ្នកទាក់ទងនឹងកូនមួយណា?
questions-list-waiting = រង់ចាំ { $waited }
questions-list-open = កំពុងរង់ចាំ
questions-list-answered = បានឆ្លើយ
questions-school-title = 💬 សំណួរមិនទាន់ឆ្លើយ៖ { $open } (លើស { $hours } ម៉ោង៖ { $overdue })
questions-school-teachers = គ្រូ (ចម្លើយក្នុងរយៈពេល ៣០ ថ្ងៃចុងក្រោយ)៖
questions-school-teacher = • { $teacher }៖ មិនទាន់ឆ្លើយ { $open } ហួសពេល { $overdue } · បានឆ្លើយ { $answered } · មធ្យម { $average } · មេដ្យាន { $median }
questions-mine-none = មិនមានសំណួរពីអាណាព្យាបាលកំពុងរង់ចាំអ្នកទេ។
questions-mine-title = 💬 សំណួរដែលកំពុងរង់ចាំចម្លើយពីអ្នក៖ { $count }
questions-parent-none = អ្នកមិនទាន់បានសួរសំណួរណាមួយនៅឡើយទេ។ ចុច /ask ដើម្បីសរសេរទៅគ្រូ។
questions-parent-title = 💬 សំណួររបស់អ្នក៖
questions-within-usage = របៀបប្រើ៖ /questions within ចំនួនម៉ោង (១–១៦៨) ឧទាហរណ៍ /questions within 24
questions-within-set = ✅ សំណួរដែលមិនទាន់បានឆ្លើយក្នុងរយៈពេល { $hours } ម៉ោង ក្រោយពេលទៅដល់គ្រូ នឹងត្រូវបញ្ជូនទៅនាយកសាលា។
questions-quiet-current = 🌙 ម៉ោងមិនរំខានរបស់អ្នក៖ { $from }–{ $to }។ សំណួរពីអាណាព្យាបាលដែលមិនបន្ទាន់ នឹងរង់ចាំដល់ { $to }។ /quiet off ដើម្បីលុបចោល។
questions-quiet-none = អ្នកមិនមានម៉ោងមិនរំខានទេ៖ សំណួរមកដល់អ្នកភ្លាមៗ។ ដើម្បីកំណត់៖ /quiet 20:00 06:30
questions-quiet-off = ✅ បានលុបម៉ោងមិនរំខាន៖ សំណួរនឹងមកដល់អ្នកភ្លាមៗ។
questions-quiet-usage = របៀបប្រើ៖ /quiet 20:00 06:30 (ពីម៉ោង ដល់ម៉ោង តាមម៉ោងសាលា) · /quiet off · /quiet
questions-quiet-set = ✅ ម៉ោងមិនរំខាន { $from }–{ $to }៖ សំណួរដែលមិនបន្ទាន់ នឹងរង់ចាំដល់ { $to }។
questions-teaches-unknown-class = មិនមានថ្នាក់នេះនៅសាលារបស់អ្នកក្នុងឆ្នាំសិក្សានេះទេ។
questions-teaches-unknown-staff = គ្មានបុគ្គលិកសកម្មដែលមានលេខកូដនេះនៅសាលារបស់អ្នកទេ។
questions-teaches-removed = ✅ បានដកចេញពីថ្នាក់ { $class }។
questions-teaches-not-there = បុគ្គលនេះមិនត្រូវបានកត់ត្រាជាគ្រូបង្រៀនថ្នាក់ { $class } ទេ។
questions-teaches-list = គ្រូបង្រៀនថ្នាក់ { $class }៖
questions-teaches-not-linked = មិនទាន់ប្រើ Telegram
questions-teaches-empty = មិនទាន់មានគ្រូត្រូវបានកត់ត្រានៅឡើយទេ។
questions-teaches-added = ✅ { $name } បង្រៀនថ្នាក់ { $class }៖ អាណាព្យាបាលរបស់ថ្នាក់នេះអាចសរសេរទៅគាត់បានហើយ។
questions-teaches-usage = របៀបប្រើ៖ /teaches 7A លេខកូដបុគ្គលិក [មុខវិជ្ជា] · /teaches 7A · /teaches remove 7A លេខកូដបុគ្គលិក

## announcements
announcements-cmd = ផ្ញើសេចក្តីជូនដំណឹង
announcements-menu = 📢 សេចក្តីជូនដំណឹង
announcements-help = 📢 /announce — ផ្ញើអត្ថបទ រូបភាព សារជាសំឡេង វីដេអូ ឬឯកសារ ទៅកាន់សាលាទាំងមូល កម្រិតថ្នាក់ ឬថ្នាក់មួយចំនួន បុគ្គលិកតែប៉ុណ្ណោះ ឬមាតាបិតាតែប៉ុណ្ណោះ (គ្រូ៖ ទៅកាន់ថ្នាក់របស់ខ្លួន)។ គ្មានអ្វីត្រូវបានផ្ញើចេញទេ មុនពេលអ្នកបញ្ជាក់ការមើលជាមុន ហើយអ្នកនឹងទទួលបានរបាយការណ៍នៃការផ្ញើ។ ក្រុមតេឡេក្រាមរបស់ថ្នាក់៖ បន្ថែមបូតទៅក្នុងក្រុម ហើយផ្ញើ /linkgroup 7A នៅទីនោះ (សារស្វាគមន៍របស់បូតក្នុងក្រុមបង្ហាញពាក្យបញ្ជាពិតប្រាកដ)។ បន្ទាប់មក សេចក្តីជូនដំណឹងរបស់ថ្នាក់នោះអាចផ្ញើទៅក្រុមជាសារតែមួយ។
announcements-header = 📢 សេចក្តីជូនដំណឹង · { $school } — { $author }
announcements-header-urgent = 🚨 បន្ទាន់ · { $school } — { $author }
announcements-denied-forbidden = មានតែនាយកសាលា ប្រតិបត្តិករ និងគ្រូប៉ុណ្ណោះ ដែលអាចផ្ញើសេចក្តីជូនដំណឹងបាន។
announcements-denied-no-classes = អ្នកមិនទាន់មានថ្នាក់ផ្ទាល់ខ្លួននៅឡើយទេ។ គ្រូអាចផ្ញើសេចក្តីជូនដំណឹងតែទៅកាន់ថ្នាក់ដែលខ្លួនជាគ្រូបន្ទុកថ្នាក់ប៉ុណ្ណោះ។
announcements-denied-class = នេះមិនមែនជាថ្នាក់របស់អ្នកទេ។ គ្មានអ្វីត្រូវបានផ្លាស់ប្តូរទេ។
announcements-button-quit = ✖️ ឈប់
announcements-flow-stopped = បានឈប់។ គ្មានអ្វីត្រូវបានផ្ញើទេ។
announcements-use-buttons = សូមប្រើប៊ូតុងខាងលើ។
announcements-button-done = ✔️ រួចរាល់
announcements-pick-one = សូមជ្រើសរើសយ៉ាងហោចណាស់មួយ។
announcements-unknown-choice = រកមិនឃើញ៖ { $names }។ សូមជ្រើសរើសតាមប៊ូតុង ឬវាយឈ្មោះម្តងទៀត។
announcements-ask-content = 📢 សូមផ្ញើសេចក្តីជូនដំណឹងមកទីនេះ៖ អត្ថបទ រូបភាពមានចំណងជើង សារជាសំឡេង វីដេអូ ឬឯកសារ។
announcements-ask-content-short = សូមផ្ញើសេចក្តីជូនដំណឹងជាសារ។
announcements-bad-unsupported = មិនអាចផ្ញើសារប្រភេទនេះជាសេចក្តីជូនដំណឹងបានទេ (ស្ទីកគ័រ រូបចលនា GIF តន្ត្រី វីដេអូរង្វង់…)។ សូមផ្ញើអត្ថបទ រូបភាព សារជាសំឡេង វីដេអូ ឬឯកសារ។
announcements-bad-empty = សារនេះទទេ។ សូមសរសេរអ្វីមួយ។
announcements-bad-too-big = ឯកសារធំពេក៖ រូបភាពយ៉ាងច្រើន ១០ MB សារជាសំឡេង វីដេអូ និងឯកសារយ៉ាងច្រើន ៥០ MB។
announcements-bad-text-too-long = អត្ថបទវែងពេក៖ { $length } តួអក្សរ ខណៈដែលអនុញ្ញាតយ៉ាងច្រើន { $limit }។ សូមកាត់ឱ្យខ្លី ឬបំបែកជាពីរ។
announcements-bad-caption-too-long = ចំណងជើងវែងពេក៖ { $length } តួអក្សរ ខណៈដែលអនុញ្ញាតយ៉ាងច្រើន { $limit }។ សូមកាត់ឱ្យខ្លី ឬផ្ញើអត្ថបទនោះជាសេចក្តីជូនដំណឹងដាច់ដោយឡែក។
announcements-bad-audience = អ្នកមិនអាចផ្ញើទៅកាន់អ្នកទទួលទាំងនេះបានទេ។ គ្មានអ្វីត្រូវបានផ្ញើទេ។
announcements-bad-no-recipients = គ្មាននរណាម្នាក់នឹងទទួលបានទេ៖ គ្មាននរណាម្នាក់ក្នុងចំណោមអ្នកទទួលទាំងនេះបានភ្ជាប់តេឡេក្រាមនៅឡើយ។ គ្មានអ្វីត្រូវបានផ្ញើទេ។
announcements-bad-bad-time = ពេលវេលានេះមិនត្រឹមត្រូវទេ។ គ្មានអ្វីត្រូវបានផ្ញើទេ។
announcements-ask-audience = ផ្ញើទៅនរណា?
announcements-aud-school = 🏫 សាលាទាំងមូល (មាតាបិតា និងបុគ្គលិក)
announcements-aud-staff = 👩‍🏫 បុគ្គលិកតែប៉ុណ្ណោះ
announcements-aud-parents = 👪 មាតាបិតាទាំងអស់
announcements-aud-grades = មាតាបិតានៃថ្នាក់ទី { $grades }
announcements-aud-classes = មាតាបិតានៃថ្នាក់ { $classes }
announcements-button-grades = 🔢 តាមកម្រិតថ្នាក់
announcements-button-classes = 🏷 តាមថ្នាក់
announcements-ask-grades = សូមជ្រើសរើសកម្រិតថ្នាក់ រួចចុច «រួចរាល់»។
announcements-ask-classes = សូមជ្រើសរើសថ្នាក់ (ឬវាយឈ្មោះថ្នាក់ ដូចជា 7A 7B) រួចចុច «រួចរាល់»។
announcements-ask-classes-typed = សូមវាយឈ្មោះថ្នាក់ ដោយដកឃ្លាពីគ្នា ដូចជា 7A 7B 12A។
announcements-ask-groups = ថ្នាក់ { $classes } មានក្រុមតេឡេក្រាម។ ផ្ញើទៅក្រុម (សារមួយក្នុងមួយក្រុម) ឬផ្ញើទៅមាតាបិតាម្នាក់ៗ?
announcements-button-groups = 👥 ទៅក្រុមថ្នាក់
announcements-button-each-parent = 👤 ទៅមាតាបិតាម្នាក់ៗ
announcements-ask-when = ផ្ញើនៅពេលណា?
announcements-button-now = ⚡ ឥឡូវនេះ
announcements-button-later = 🕒 ពេលក្រោយ
announcements-ask-time = សូមវាយម៉ោង៖ 16:30 (ថ្ងៃនេះ) ស្អែក 7:00 ឬ 2026-11-30 07:00។
announcements-ask-time-short = សូមវាយម៉ោង។
announcements-time-bad = ខ្ញុំមិនយល់ម៉ោងនេះទេ។ ឧទាហរណ៍៖ 16:30 ស្អែក 7:00 ឬ 2026-11-30 07:00។
announcements-time-past = ពេលនោះបានកន្លងផុតទៅហើយ។ សូមជ្រើសរើសពេលខាងមុខ។
announcements-time-too-far = ឆ្ងាយពេក៖ យ៉ាងច្រើន ៦០ ថ្ងៃខាងមុខ។
announcements-preview-title = 📢 មើលជាមុន៖ ខាងលើនេះជាសេចក្តីជូនដំណឹង ដូចដែលអ្នកទទួលនឹងឃើញ។
announcements-preview-to = ទៅកាន់៖ { $audience }
announcements-preview-count = អ្នកទទួល៖ { $count }
announcements-preview-count-groups = អ្នកទទួល៖ { $count } (ក្រុមថ្នាក់ { $groups } និងមនុស្ស { $people } នាក់)
announcements-preview-when = ពេលផ្ញើ៖ { $when }
announcements-when-now = ភ្លាមៗ ក្រោយពេលអ្នកបញ្ជាក់
announcements-preview-urgent = 🚨 បន្ទាន់៖ ផ្ញើមុនសារផ្សេងៗ ហើយមានសំឡេងរោទ៍។
announcements-preview-silent = 🔕 ក្រៅម៉ោងសិក្សា៖ សារនឹងមកដល់ដោយគ្មានសំឡេងរោទ៍។
announcements-preview-confirm = គ្មានអ្វីត្រូវបានផ្ញើទេ រហូតដល់អ្នកចុច «ផ្ញើ»។
announcements-button-send = ✅ ផ្ញើ
announcements-button-urgent = 🚨 សម្គាល់ថាបន្ទាន់
announcements-button-not-urgent = ↩️ មិនបន្ទាន់
announcements-button-discard = 🗑 បោះបង់
announcements-button-cancel = ✖️ បញ្ឈប់ការផ្ញើ
announcements-sent-short = បានទទួល
announcements-sending = ✅ កំពុងផ្ញើទៅអ្នកទទួល { $count }។ អ្នកនឹងទទួលបានរបាយការណ៍ នៅពេលផ្ញើរួចរាល់។
announcements-scheduled = 🕒 នឹងផ្ញើនៅ { $when } ទៅអ្នកទទួល { $count }។ អ្នកអាចបញ្ឈប់វាបាន រហូតដល់ពេលនោះ។
announcements-discarded = បានបោះបង់សេចក្តីព្រាង។ គ្មានអ្វីត្រូវបានផ្ញើទេ។
announcements-not-yours = សេចក្តីជូនដំណឹងនេះមិនមែនជារបស់អ្នកទេ។
announcements-not-draft = សេចក្តីជូនដំណឹងនេះត្រូវបានផ្ញើ ឬបោះបង់រួចហើយ។
announcements-refused-expired = ការមើលជាមុននេះចាស់ពេកហើយ (លើសពី ២៤ ម៉ោង)។ សូមចាប់ផ្តើមម្តងទៀតជាមួយ /announce។
announcements-refused-time-passed = ម៉ោងដែលអ្នកបានជ្រើសរើសបានកន្លងផុតទៅហើយ។ សូមចាប់ផ្តើមម្តងទៀតជាមួយ /announce។
announcements-refused-audience = អ្នកលែងមានសិទ្ធិផ្ញើទៅកាន់អ្នកទទួលទាំងនេះទៀតហើយ។ គ្មានអ្វីត្រូវបានផ្ញើទេ។
announcements-refused-no-recipients = { announcements-bad-no-recipients }
announcements-cancel-too-late = យឺតពេលហើយ៖ សារទាំងអស់ត្រូវបានផ្ញើចេញរួចហើយ។
announcements-cancelled = ✖️ បានបញ្ឈប់។ សារចំនួន { $count } មិនត្រូវបានផ្ញើទេ។
announcements-cancelled-partly = ✖️ បានបញ្ឈប់៖ សារចំនួន { $cancelled } មិនត្រូវបានផ្ញើទេ។ សារចំនួន { $gone } បានផ្ញើចេញរួចហើយ (អ្នកនឹងទទួលបានរបាយការណ៍)។
announcements-group-only-in-group = សូមផ្ញើពាក្យបញ្ជានេះនៅក្នុងក្រុមតេឡេក្រាមរបស់ថ្នាក់៖ បន្ថែម @{ $bot } ទៅក្នុងក្រុម ហើយផ្ញើ /linkgroup@{ $bot } 7A នៅទីនោះ។
announcements-group-as-yourself = សូមផ្ញើពាក្យបញ្ជានេះក្នុងនាមខ្លួនឯង មិនមែនជាអ្នកគ្រប់គ្រងអនាមិកទេ។
announcements-group-linked = ✅ ក្រុមនេះត្រូវបានភ្ជាប់ជាមួយថ្នាក់ { $class } ហើយ។ សេចក្តីជូនដំណឹងរបស់ថ្នាក់ { $class } អាចមកដល់ទីនេះជាសារតែមួយ។
announcements-group-not-staff = មានតែគ្រូនៃថ្នាក់ ឬការិយាល័យសាលាប៉ុណ្ណោះ ដែលអាចភ្ជាប់ក្រុមនេះបាន។
announcements-group-which-class = តើក្រុមនេះសម្រាប់ថ្នាក់ណា? សូមផ្ញើ /linkgroup@{ $bot } 7A។
announcements-group-unknown-class = គ្មានថ្នាក់ { $class } ទេ។
announcements-group-not-your-class = ថ្នាក់ { $class } មិនមែនជាថ្នាក់របស់អ្នកទេ៖ មានតែគ្រូបន្ទុកថ្នាក់ ឬការិយាល័យសាលាប៉ុណ្ណោះ ដែលអាចភ្ជាប់វាបាន។
announcements-group-taken = ក្រុមនេះបានភ្ជាប់ជាមួយថ្នាក់ { $class } រួចហើយ។ សូមផ្ញើ /unlinkgroup ជាមុនសិន។
announcements-group-unlinked = ក្រុមនេះលែងភ្ជាប់ជាមួយថ្នាក់ { $class } ទៀតហើយ។
announcements-group-unlink-not-linked = ក្រុមនេះមិនបានភ្ជាប់ជាមួយថ្នាក់ណាមួយទេ។
announcements-group-unlink-forbidden = មានតែគ្រូនៃថ្នាក់ ឬការិយាល័យសាលាប៉ុណ្ណោះ ដែលអាចផ្តាច់ក្រុមនេះបាន។
announcements-group-hello = សួស្តី! ខ្ញុំជាបូតរបស់សាលា។ គ្រូបន្ទុកថ្នាក់៖ សូមផ្ញើ /linkgroup@{ $bot } 7A (ដាក់ឈ្មោះថ្នាក់របស់អ្នក) ដើម្បីឱ្យសេចក្តីជូនដំណឹងរបស់ថ្នាក់មកដល់ក្រុមនេះ។
announcements-report-title = 📊 របាយការណ៍នៃការផ្ញើ៖ { $what }
announcements-report-totals = ✅ បានទទួល { $delivered } · 🚫 មិនអាចទាក់ទងបាន { $unreachable } · ⚠️ បរាជ័យ { $failed }
announcements-report-cancelled = ✖️ បានបញ្ឈប់មុនពេលផ្ញើ៖ { $count }
announcements-report-class = { $class }៖ ✅ { $delivered } · 🚫 { $unreachable } · ⚠️ { $failed }
announcements-report-class-group = { $class }៖ 👥 ក្រុមថ្នាក់ — { $state }
announcements-report-group-delivered = បានទទួល
announcements-report-group-unreachable = មិនអាចទាក់ទងបាន (បូតលែងនៅក្នុងក្រុមហើយ)
announcements-report-group-failed = បរាជ័យ
announcements-report-group-cancelled = បានបញ្ឈប់
announcements-report-more = …និងថ្នាក់ { $count } ទៀត ដែលបានរាប់បញ្ចូលក្នុងចំនួនសរុបខាងលើ
announcements-report-staff = បុគ្គលិក៖ ✅ { $delivered } · 🚫 { $unreachable } · ⚠️ { $failed }
announcements-report-unreachable-hint = 🚫 «មិនអាចទាក់ទងបាន»៖ អ្នកទាំងនោះបានបិទបូត ឬលុបគណនី។ ពួកគេនឹងទទួលសារម្តងទៀត នៅពេលពួកគេសរសេរមកបូតវិញ។
announcements-kind-text = សារ
announcements-kind-photo = រូបភាព
announcements-kind-voice = សារជាសំឡេង
announcements-kind-video = វីដេអូ
announcements-kind-document = ឯកសារ
