// Words that common passwords are built on (lists of leaked passwords reduced to their letters). The
// policy strips digits and symbols before looking a password up, so "Summer2024!!" counts as "summer".
export const COMMON_PASSWORD_WORDS: ReadonlySet<string> = new Set([
  'abc', 'abcdef', 'abcdefg', 'abcdefgh', 'access', 'admin', 'adminadmin', 'administrator', 'amanda', 'andrew',
  'angel', 'angela', 'angels', 'anonymous', 'apple', 'asdfgh', 'asdfghjkl', 'ashley', 'autumn', 'bailey',
  'banana', 'baseball', 'basketball', 'batman', 'bigdog', 'buddy', 'buster', 'changeme', 'charlie', 'cheese',
  'chocolate', 'computer', 'console', 'cookie', 'correcthorsebatterystaple', 'corvette', 'cowboy', 'cowboys', 'daisy', 'daniel',
  'december', 'default', 'diamond', 'dizzion', 'dragon', 'eagles', 'edc', 'facebook', 'february', 'ferrari',
  'flower', 'football', 'frame', 'freedom', 'friday', 'fuckme', 'fuckyou', 'ginger', 'golden', 'google',
  'guest', 'hannah', 'harley', 'hello', 'hockey', 'hunter', 'iloveyou', 'iloveyouiloveyou', 'internet', 'january',
  'jennifer', 'jessica', 'jordan', 'joshua', 'killer', 'lakers', 'letmein', 'letmeinnow', 'linkedin', 'login',
  'love', 'lovely', 'loveme', 'lucky', 'maggie', 'master', 'matthew', 'michael', 'michelle', 'microsoft',
  'mnbvcxz', 'monday', 'monkey', 'mustang', 'mypassword', 'mysecret', 'newpassword', 'nicole', 'nopassword', 'nothing',
  'nutanix', 'oldpassword', 'opensesame', 'openup', 'orange', 'pass', 'passwd', 'password', 'passwordpassword', 'pepper',
  'playground', 'poiuytrewq', 'porsche', 'princess', 'purple', 'pussy', 'qaz', 'qwerty', 'qwertyqwerty', 'qwertyuiop',
  'ranger', 'rfv', 'robert', 'root', 'rootroot', 'samsung', 'satplayground', 'secret', 'secure', 'secureanon',
  'shadow', 'silver', 'soccer', 'sophie', 'spiderman', 'spring', 'starwars', 'steelers', 'summer', 'sunshine',
  'superman', 'supersecret', 'temppassword', 'test', 'tester', 'testing', 'thomas', 'tigger', 'token', 'tokens',
  'toor', 'topsecret', 'trustno', 'trustnoone', 'twitter', 'welcome', 'welcomewelcome', 'whatever', 'winter', 'wsx',
  'xsw', 'yankees', 'yellow', 'yourpassword', 'zaq', 'zxcvbnm',
]);
