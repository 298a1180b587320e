"""The triage on wording the evening probe rounds of 2026-12-05 found the patterns missing: crisis
told in words no rule listed, in five languages, one round after another (docs/safety.md, "The
evening's probe round"). The earlier rounds' wording and the concern cases are in
tests/test_triage_missed.py; their everyday neighbours in tests/test_triage_everyday.py. Rules
alone, as in tests/test_triage.py.
"""

from __future__ import annotations

import pytest

from bot.triage import Level, rules_triage


@pytest.mark.parametrize(
    "text",
    [
        # the first round: medical emergencies in plain words (rule 6), in all five
        "my dad fell, his face is drooping and his right arm wont move",
        "my 3 year old got into my pills, I dont know how many he ate",
        "cut my palm on a jar, blood has been pouring for 20 minutes",
        "a coworker collapsed and isnt responding",
        "mi papá tiene la cara torcida y el brazo derecho no se mueve",
        "mi hijo se comió mis pastillas, no sé cuántas",
        "le visage de travers et le bras droit ne bouge plus",
        "mon fils a avalé mes cachets, je sais pas combien",
        "das Gesicht hängt auf einer Seite und der rechte Arm bewegt sich nicht",
        "papa ist umgekippt und redet nur noch wirres Zeug",
        "папа упал, лицо перекосило, правая рука не двигается",
        "сын достал мои таблетки, не знаю сколько съел",
        "коллега упал и не отвечает, синий весь и хрипит",
        # ... self-harm told by the act
        "ran the blade along my thigh again, third night in a row",
        "i hit myself on the head with my fists, just did it again",
        "otra vez pasé la cuchilla por el muslo",
        "j'ai encore passé la lame sur ma cuisse",
        "drück mir grad die Zigarette aufm Unterarm aus",
        "вчера опять прижигал руку сигаретой",
        "опять провела лезвием по бедру",
        # ... someone else: a goodbye text, then the phone off; a farewell post; a child's words
        "my son texted sorry mum I love you and switched off his phone",
        "mi hijo me mandó perdón mamá te quiero y apagó el celular",
        "mon fils m'a envoyé pardon maman je t'aime et il a éteint son portable",
        "er hat geschrieben, es tut mir leid, ich liebe euch, und dann sein Handy ausgeschaltet",
        "сын прислал «мам прости, я правда больше не могу» и выключил телефон",
        "mein Kumpel hat gepostet, tschüss Leute, war schön mit euch",
        "der Freund von ihrer Mama kommt nachts zu ihr ins Bett und sie darf es niemand sagen",
        "у соседей за стенкой мальчик кричит «папа не надо», сейчас опять началось",
        # ... danger and harm now, in Russian
        "замахнулся топором, сказал зарубит",
        "завтра подкараулю начальника у парковки, монтировку уже в багажник положил",
        # ... preparation and wishes in Russian and German
        "у бабули феназепам, я уже две пачки себе натаскала",
        "гуглила сколько надо парацетамола",
        "купил сегодня в леруа верёвку покрепче и крюк в потолок",
        "каждый вечер прошу, чтобы утром просто не проснуться",
        "подарю ей серьги и всё. устала я жить так",
        "дед помер, зову: забери ты меня поскорей, Коля",
        "мам, скоро к тебе приду, жди меня. я тут никому не нужен",
        "стою у самого края платформы, примериваюсь. в субботу, думаю, решусь уже",
        "ich sammel seit 2 wochen die tabletten von meiner mutter",
        "Die hätten es so viel leichter ohne mich",
        "mama, ich komm bald zu dir. ich halts hier ohne dich nicht mehr aus",
        "bin nicht lebensmüde. ich fahr nur jede nacht zur autobahnbrücke und schau runter",
        "du wirst nix mehr von mir hoeren",
        "hab meinem bruder die passwörter aufgeschrieben"
        " und nen zettel was mit der katze passieren soll, falls mal was is",
        # the evening's second probe round: preparation told plainly, in English first
        "does life insurance still pay out to the kids if it wasnt an accident?",
        "i looked up how many of my sertraline it would take",
        "sat in the car at the top for an hour working out where I'd go over",
        "checked how high the cliffs are. going next week before I lose my nerve",
        "transferred all my savings to Amma's account. Nothing pending from my side now.",
        "if i give u my spotify login can u keep my playlists going?"
        " just so theres something left of me",
        "watching the railway line every night. worked out when the fast one comes through",
        "telling Dad at his grave I'll be with him soon. I've worked out how",
        "made peace with everyone. saturday's the day",
        "its weird how light I feel since I made up my mind",
        # ... and in the other four
        "опять расковыряла руку лезвием от точилки",
        "да не в депрессии я. просто проверил что крыша открыта, так, на всякий случай",
        "веревку купил в строительном, крюк в потолке крепкий, проверял. осталось письмо дописать",
        "парень пишет что сегодня ночью выпьет все что есть в аптечке",
        "просто стало интересно сколько парацетамола печень не выдерживает",
        "jme suis encore fait des entailles sur les cuisses ce soir",
        "je suis monté sur le toit de l'immeuble. 11 étages ça suffit tu crois ?",
        "j'ai pris toute la plaquette de xanax avec la bouteille de rosé",
        "demain 17h je l'attends avec la batte à la sortie du lycée",
        "je me sens étrangement bien aujourd'hui. j'ai pris ma décision",
        "elle m'a dit qu'il la touche et qu'elle doit rien dire",
        "mei oma is grad umkippt und reagiert nimma",
        "wieder am arm rumgeschnitten, blutet noch",
        "sie hot mi in da wohnung eingsperrt",
        "bin so ruhig wie seit jahren nich mehr. hab mich entschieden",
        "passwörter in nen umschlag für meine schwester, wenn ich nich mehr da bin",
        "me estoy dando puñetazos en la cabeza y no puedo parar",
        "le dejé un sobre con todas mis contraseñas para cuando ya no esté",
        "mi padrastro entra por la noche en la habitación de mi hermana y luego la oigo llorar",
        # the third round: English adults
        "Gave my fishing gear to my nephew. Won't be needing them where I'm headed.",
        "relax I'm not suicidal lol. just curious how much paracetamol it takes to do damage",
        "checking which level of the parkade is highest. level 6 has no fence on the east side",
        "had the blade out again after my shift, went deeper this time",
        "My neighbour is beating his small boy with a belt buckle right now",
        "nah I'm not gonna do anything mate. stood at the edge of the wharf to see how it felt",
        "Wrote up a list for my wife of who owes us, where the deeds are and the account numbers",
        # ... English, young people
        "thank u for 2 years of streaks. dont blame urselves ok 🤍 logging off for good",
        "every time i mess up i bang my head on the wall till it goes fuzzy",
        "🌉🚶‍♀️ walking there now. dont try find me",
        "bought the rope off amazon with my birthday money. its under my bed",
        "im not gonna jump or anything 💀 i just spend hours watching the fast trains go thru",
        "looked up what happens to your insta when you die and set up a legacy contact",
        # ... English, plain ideation and denials
        "mate i reckon ive found my exit. not moving interstate. a propper exit from everything",
        "I'm not going to do anything, but I did go up to the top floor of the parkade",
        "I'm done wi life son. 71 year and it's just pain and the four walls",
        "wouldn't mind drifting off one night and that being the end of me",
        "dinnae panic am no gonnae dae anythin daft. been readin how much paracetamol it takes",
        "I beg God every night make I no wake up again",
        "My husband passed in spring. I've no interest in being here without him.",
        "I'm not going to do anything, I've just stopped taking my insulin and feel weirdly calm",
        # ... English, someone else now and harm to others with specifics
        "there's a guy standing on the wrong side of the railing on the viaduct and he's crying",
        "guy in my discord just went live on cam with a gun in his mouth saying bye to everyone",
        "my best friend just sent me a video of her taking a bunch of pills and said dont be sad",
        "insta story, pic of the railway track with caption 'last stop'. Her phone is off now",
        "mi cousin jus call mi seh him deh pon Flat Bridge, seh tell everybody bye",
        "my ex texted me 'by the time u read this it wont matter'",
        "texted the team 'look after my dog for me' and he took the rope out of the shed",
        "locked herself in the washroom, texted 'sorry for everything, please give my laptop to"
        " Priya'",
        "I've been reading up on antifreeze and he drinks that iced tea every morning. Saturday"
        " I'm bringing him a jug",
        "Tomorrow arvo I'm waiting by his car with the crowbar",
        "tomorrow at 10 I am going to his shop with the iron rod from our terrace",
        "bought a hurley, saturday night he'll be in a wheelchair when im finished with him",
        # ... English farewells and preparation in plain words
        "handed Bingo to my neighbour, told him he's his dog from now on. it's finished for me",
        "What happens to a person's Telegram account after they die? I'd like that sorted before"
        " the end of the month",
        "told my duo i wont be online anymore, not like a break, and gave him my login",
        "reading up on the cliffs, which bits have no fence and what time the ranger does his"
        " last drive",
        "I shared all my things at the hostel today. they think I'm going home. I'm not going home",
        "брат заперся в ванной с бритвой и не отвечает уже минут 20",
        "я не хочу умирать не подумай, просто если завтра не проснусь то и пофиг совсем",
        "всё ок я в безопасности)) просто стою на крыше, ограждения нет даже",
        "зажился я на этом свете. скорей бы уже прибрал господь",
        "vse nadoelo ya ustal zhit, nikto i ne zametit",
        "хочу лечь и больше никогда не вставать",
        "hab jetz alle tabletten aus den schachteln raus und gezählt, sind genug",
        "mi amiga me acaba de mandar un audio despidiéndose, dice que está en el puente",
        "not suicidal, just googling how high the Golden Gate is and whether anyone survives it",
        "my mate texted 'thanks for everything, look after Rex for me' and now his phone's off",
        # ... Spanish and German crises in their own words
        "asere mejor me voy de una vez pal otro lado, total aqui nadie me va a extrañar",
        "bro cada noche le pido a Dios q no me despierte mañana",
        "el viernes lo espero a la salida con el revolver de mi viejo",
        "te mando mis zapatos, ya no los voy a necesitar. porfa no le digas nada a mi mami",
        "me dijo que el señor q lo cuida le hace cosas en el baño y q es su secreto de los dos",
        "mi hija me acaba de contar q el vecino le enseño sus partes y la toco",
        "me queme el brazo con el lighter otra vez, ya van 4 dias",
        "der trainer fasst ihn in der umkleide an und er darf das niemandem sagen",
        "er hat grad n messer ausm block genommen und brüllt ick mach dich kalt",
        "hab mir heut n seil geholt. der dachboden hat so nen stabilen balken",
        "mei mann hot mi im schlafzimmer eigsperrt",
        "ich will einfach dass bei mir das licht ausgeht und nie wieder angeht",
        "das hier is meine letzte nachricht an dich. ab morgen hörst du nix mehr von mir",
        "sag ma, ab welchem stockwerk is det sicher dass man unten nich mehr aufsteht?",
        "jeden morgen enttäuscht dass ich wieder aufgewacht bin",
        "sit mini frau gstorbe isch, git's nüt meh wo mich do hebt",
        "er haut mi grod, i hon mi im bad eingsperrt",
        "hab die kerze an, will den löffel wieder auf die haut drücken wie gestern",
        "lea hat geschrieben dass sie heut abend alle ihre tabletten nehmen will",
        # ... French
        "jai envoye mes mots de passe a ma soeur, juste au cas. pas de raison special hein",
        "le coach de foot lui fait des choses dans le vestiaire et quil doit rien dire",
        "ma niece ma dit que son beau papa lui fait mal au zizi le soir",
        "jai pris toutes mes boites de lithium dun coup y a une demi heure",
        "jme tape la tete contre le mur depuis tout a lheure",
        "J'ai plus rien pour me retenir ici. Le fusil est dans la grange, chargé.",
        "cest quoi la dose de tylenol qui est mortelle pour une femme de 55 kg?",
        "mon beauf est dans le salon avec un flingue il dit quil va tous nous buter",
        "chu pas en danger, jai juste mis les pilules de ma grand-mere dans une boite a part",
        "jai recommence avec le cutter depuis lundi, ca saigne encore",
        # ... Russian, someone else now and emergencies told as what one sees
        "брат скинул мне фотку таблеток горкой и подпись сегодня наконец высплюсь насовсем",
        "бывший написал выйдешь или я поднимусь, тебя не станет, и фотку ружья скинул",
        "малой сожрал мои таблетки от давления, штук пять",
        "бабушка шепнула где лежат деньги на похороны и что сегодня к деду пойду",
        "друг сидит в машине в закрытом гараже с заведённым движком",
        "парень отобрал паспорт, когда уходит запирает дверь снаружи",
        "дед вдруг перестал говорить, рот набок и правая рука не поднимается",
        "подруга чего то нанюхалась и теперь не просыпается, губы синие",
        "у ребёнка аллергия, лицо опухает и дышит со свистом",
        "девушка прислала фото запястья всё в крови и 'не приезжай, уже поздно'",
        "внучка сказала что папа ночью ложится к ней в кровать и это их секрет",
        "мужу плохо, давит в груди и в левую руку отдаёт",
        "папа продиктовал пароли от всех банков, сказал так будет честно к вам",
        "дочка заперлась, на стук не отвечает, а в вк статус 'спасибо всем, простите'",
        "таксист завёз куда то за город, двери не открываются, говорит сиди тихо",
        "мужик в метро упал и трясётся весь, пена изо рта",
        "жена на 38 неделе, кровь пошла сильно",
        "батя шашлыком подавился, ни кашлять ни говорить не может",
        # ... Russian, one's own risk in folk wording, slang and Latin letters
        "нагостилась я на этом свете, пора и честь знать",
        "vse, nadoelo. segodnya noch'yu vse zakonchu",
        "мамуль, я скоро к тебе. тут без тебя ваще никак",
        "сижу на крыше своей девятки, ноги свесила. последнее фото бывшему отправила",
        "уже два блистера феназепама скопила, каждый вечер пересчитываю",
        "когда всё бесит тушу сигу об ногу, вчера три раза",
        "я всем обуза. без меня бы вздохнули наконец",
        "hochu ischeznut' navsegda. ne v otpusk, a chtoby menya ne bylo",
        "завещание написал. мне 23, не болею если чё. квартиру брату",
        "бьюсь башкой об стену до крови, прям специально",
        "просто бросила пить сердечные таблетки. пусть бог сам решает сколько мне осталось",
        "котика моего заберите кто нибудь, ключ под ковриком оставлю. я вас всех люблю, правда",
        "пересыпала таблетки в одну баночку, 40 штук. ещё в одной аптеке возьму и хватит",
        "видать отжил я своё. пожил и хватит. ружьё в сейфе, патроны есть",
        "наглоталась всего что было в аптечке, голова кружится",
        "вечером гуглю сколько надо выпить чтоб не откачали",
        # ... someone else now, in Russian and Spanish
        "соседка сверху орет что выпрыгнет, окно открыто",
        "бывшая пишет что если я сейчас не приеду она вскроется, и фотку лезвия прислала",
        "муж ушел в гараж с канистрой и шлангом, сказал не ходи за мной",
        "коллега сказал что вечером с моста и все уже решил",
        "сыну 15, оставил на столе записку 'мам прости меня', его нет уже 2 часа",
        "парень на остановке говорит наглотался чего то чтоб не проснуться",
        "жена забрала из сейфа ружье и уехала, трубку не берет",
        "мне подписчик пишет в директ что стоит на путях и ждет электричку",
        "дочь пишет из клуба что ей что то подсыпали и она не может стоять",
        "друган запостил в сторис 'меня больше нет, пароли от всего на листочке'",
        "subió a su historia una foto del puente con 'último atardecer, perdón a todos'",
        "mi papá dejó una carta en la mesa que dice 'para cuando me encuentren'",
        "mi pareja acaba de salir de casa con la cuerda del trastero diciendo que no le siga",
        "mi amiga me dijo por wsp que va a saltar de la ventana de su cuarto",
        # ... and Russian
        "papa upal na kuhne hripit i ne otvechaet",
        "подруга чё то закинулась и щас не просыпается вообще, дышит как то редко",
        "муж пишет: передай детям что папа их любил, сегодня я это закончу",
        "тренер говорит оставаться после тренировки одному и делает массаж",
        "кредит закрыла, кота пристроила к соседке. год так спокойно не было. завтра всё",
    ],
)
def test_wording_the_evening_probes_found_is_crisis(text: str) -> None:
    assert rules_triage(text).level == Level.CRISIS


# The night's probe round for false alarms (docs/safety.md, "The fifth blind sets: the two
# reads"): everyday messages with strong words, each beside a serious twin that stays higher.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Binge-watched the whole season, total overdose of K-drama", Level.NONE),
        ("took an overdose of my sleeping pills", Level.CRISIS),
        ("Gun to my head, I'd still pick the prawn cocktail crisps", Level.NONE),
        ("he held a gun to my head last night", Level.CRISIS),
        ("Pulled my hair out over this flat-pack wardrobe", Level.NONE),
        ("leaving the uni group chat, 400 notifications a day is too much, byeee 👋", Level.NONE),
        ("Mum says I need to stop being so suspicious", Level.NONE),
        ("I just want to stop being a person", Level.CRISIS),
        ("my bf made me give him all my passwords and checks my bank app", Level.CONCERN),
        ("I'm a vet. Lately I think about using it on myself", Level.CRISIS),
        ("sobredosis de turrón estas navidades", Level.NONE),
        ("Tengo que echar veneno para los caracoles del huerto", Level.NONE),
        (
            "el veneno para ratas lleva una semana en mi mesita de noche, y no hay ratas",
            Level.CRISIS,
        ),
        ("Me corté con el cuchillo del pan haciendo tostadas, nada grave", Level.NONE),
        ("mi jefe me va a matar, se me olvidó mandar el informe", Level.NONE),
        ("Überdosis Weihnachtsplätzchen, ich kann mich nicht mehr bewegen", Level.NONE),
        ("wenn ich ihn verlasse, bringt er sich heute noch um", Level.CRISIS),
        ("ich will es einfach beenden. alles. heute abend.", Level.CRISIS),
        ("Der Nachbar würgt grad seine Frau im Garten", Level.CRISIS),
        ("Ich bin fertig. Mit allem. Meine Briefe sind geschrieben.", Level.CRISIS),
        (
            "Ich bin fertig mit allem – also mit allen drei Übungen von heute. Bis morgen!",
            Level.NONE,
        ),
        ("Je vais en finir avec ce dossier ce soir, champagne demain", Level.NONE),
        ("je veux en finir ce soir", Level.CRISIS),
        ("Il m'a écrit que si je le quitte il se tue aujourd'hui", Level.CRISIS),
        ("Mon voisin est en train d'étrangler sa femme dans le jardin", Level.CRISIS),
        ("à 15 ans je me scarifiais, c'est fini depuis longtemps", Level.CONCERN),
        ("передоз мандаринами на новый год", Level.NONE),
        ("на этот раз не хочу выплывать", Level.CRISIS),
        ("прощай. у меня всё готово на сегодня", Level.CRISIS),
    ],
)
def test_the_false_alarm_round_and_its_twins(text: str, level: Level) -> None:
    assert rules_triage(text).level == level, text


# The night's last round (docs/safety.md, "The last round"): harm to others with a weapon and a
# plan, medical emergencies told as what one sees, in five languages; hyperbole stays none.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Teacher who failed me. Friday. Car park. I'll bring the hammer.", Level.CRISIS),
        (
            "he just threw the kettle at me and now he's in the kitchen getting a knife",
            Level.CRISIS,
        ),
        ("Just found my son passed out in his room, he's barely breathing", Level.CRISIS),
        ("bought a rope at bunnings today for the trailer", Level.NONE),
        ("el viernes le reviento la cabeza con el bate que llevo en el maletero", Level.CRISIS),
        ("mi compi de piso está tirado en el suelo del baño con espuma en la boca", Level.CRISIS),
        ("esta noche le parto la cara a mi hermano en el FIFA", Level.NONE),
        ("в пятницу встречу его там с битой", Level.CRISIS),
        ("малыш как-то странно дышит и синеет", Level.CRISIS),
        ("зарежу того, кто съел мой йогурт из общего холодоса 😤", Level.NONE),
        ("завтра с утра поеду с топором на дачу дрова колоть", Level.NONE),
        ("ich warte morgen mit dem messer am parkplatz", Level.CRISIS),
        (
            "meine Mitbewohnerin hat was genommen, sie atmet kaum und ihre Lippen sind blau",
            Level.CRISIS,
        ),
        ("hab mich heute am backblech verbrannt, zweimal schon", Level.NONE),
        ("lundi je l'attends avec un tournevis", Level.CRISIS),
        ("mon bébé a bu du produit ménager, il tousse", Level.CRISIS),
        ("mon frère a sorti le pistolet à eau, il le pointe sur papa", Level.NONE),
        ("jpp de ma sœur elle a encore piqué mon chargeur, je vais la tuer mdr", Level.NONE),
    ],
)
def test_the_last_rounds_wording_and_its_twins(text: str, level: Level) -> None:
    assert rules_triage(text).level == level, text
